package dev.aegis.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CodexLaunchTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "codex exec hi | 1",
        "/usr/local/bin/codex | 1",
        "node /opt/lib/node_modules/@openai/codex/bin/codex.js exec | 2",
        "npx codex exec hi | 2",
        "npx -y @openai/codex exec | 3",
        "npx --yes @openai/codex@0.171.0 | 3",
        "npx -p @openai/codex codex exec | 4",
        "bunx @openai/codex | 2",
        "pnpm dlx @openai/codex exec | 3",
        "yarn dlx codex | 3",
        "npm exec -- @openai/codex exec | 4",
        "npm exec --yes -- codex | 5",
        "npx cowsay codex | -1",
        "npm install codex | -1",
        "claude -p hi | -1",
        "python3 agent.py codex | -1",
    })
    void findsWhereCodexsOwnArgumentsBegin(String command, int at) {
        assertThat(CodexLaunch.argumentsAt(List.of(command.split(" ")))).isEqualTo(at);
    }
}
