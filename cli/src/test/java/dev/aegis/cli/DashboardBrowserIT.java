package dev.aegis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.control.DaemonState;
import dev.aegis.control.DaemonStateFile;
import dev.aegis.fakeprovider.FakeProvider;
import dev.aegis.json.Json;
import java.io.File;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;

/**
 * The dashboard in a real browser (issue 27 item 5): headless Chromium driven by Selenium logs in
 * with `aegis dashboard --url`'s one-time link, shows the totals `aegis usage --format json` prints,
 * shows a call made after the page loaded within 2 s, and a plain key never sees another key's calls.
 * Needs the Debian packages chromium and chromium-driver (.ci/run installs them); it fails, never
 * skips, without them.
 */
class DashboardBrowserIT {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("AEGIS_TEST_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("AEGIS_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    static final Duration LIVE = Duration.ofSeconds(2);

    @TempDir
    static Path temp;

    static FakeProvider fake;
    static Map<String, String> env;
    static String home;
    static ChromeDriver browser;
    static String alice;
    static String bob;
    static String bobId;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        assertThat(CHROMIUM).as("headless Chromium (apt-get install chromium chromium-driver)").isExecutable();
        assertThat(CHROMEDRIVER).as("chromedriver (apt-get install chromium-driver)").isExecutable();
        fake = FakeProvider.start();
        home = temp.resolve("home").toString();
        env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-p", "AEGIS_OPENAI_BASE_URL", fake.baseUrl(),
                // budgets far above what the tests spend: they only warn, and the page draws their bars
                "AEGIS_GOVERNANCE_ENABLED", "true",
                "AEGIS_DEFAULT_POLICY_JSON", "{\"hardStop\": false, \"tokens\": {\"perRun\": 100000, \"perDay\": 1000000}}"));
        assertThat(CliRun.run(env, CliRun.args(home, "start", "--port", "0")).exitCode()).isZero();
        JsonNode a = keygen("alice");
        JsonNode b = keygen("bob");
        alice = a.path("key").asText();
        bob = b.path("key").asText();
        bobId = b.path("id").asText();
        for (String key : List.of(alice, alice)) {
            assertThat(call(key, "gpt-4o-mini")).isEqualTo(200);
        }
        DaemonState s = new DaemonStateFile(Path.of(home, "daemon.json")).read().orElseThrow();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(s.url() + "/v1/chat/completions")).header("x-api-key", bob)
                .header("x-run-id", "nightly-1")
                .header("x-claude-code-session-id", "browser-session").POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        // once the three rows are stored their receipts are written (receipts first): the trail is whole
        await(Duration.ofSeconds(10), "the three calls stored", () -> Json.mapper().readTree(CliRun.run(env,
                CliRun.args(home, "usage", "--since", "1d", "--format", "json")).out()).at("/total/requests").asLong() == 3 ? true : null);
        CliRun verify = CliRun.run(env, CliRun.args(home, "receipts", "verify"));
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        browser = chromium();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        CliRun.run(env, CliRun.args(home, "stop"));
        if (fake != null) {
            fake.close();
        }
    }

    private static ChromeDriver chromium() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,1700", "--user-data-dir=" + Files.createTempDirectory(temp, "chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
        return driver;
    }

    private static JsonNode keygen(String name) throws Exception {
        return Json.mapper().readTree(CliRun.run(env, CliRun.args(home, "keygen", "--name", name, "--json")).out());
    }

    private static int call(String key, String model) throws Exception {
        return send(key, model).statusCode();
    }

    private static HttpResponse<String> send(String key, String model) throws Exception {
        DaemonState s = new DaemonStateFile(Path.of(home, "daemon.json")).read().orElseThrow();
        return http.send(HttpRequest.newBuilder(URI.create(s.url() + "/v1/chat/completions")).header("x-api-key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String dashboardUrl(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("dashboard", "--url"));
        args.addAll(List.of(extra));
        CliRun r = CliRun.run(env, CliRun.args(home, args.toArray(String[]::new)));
        assertThat(r.exitCode()).as(r.all()).isZero();
        return r.out().strip();
    }

    /** Something to poll that may throw. */
    interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls the page (the browser's own clock runs the scripts) until the value is there. */
    private static <T> T await(Duration within, String what, Probe<T> value) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            T v = value.get();
            if (v != null) {
                return v;
            }
            assertThat(System.nanoTime()).as(what + " within " + within).isLessThan(deadline);
            Thread.sleep(25);
        }
    }

    private static String attribute(String id, String name) {
        List<WebElement> found = browser.findElements(By.id(id));
        return found.isEmpty() ? null : found.get(0).getDomAttribute(name);
    }

    private static WebElement liveRow(String requestId) {
        List<WebElement> rows = browser.findElements(By.cssSelector("#live tbody tr[data-request-id='" + requestId + "']"));
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static void openFresh(String url) throws Exception {
        browser.get("about:blank");
        // Every origin's cookies (deleteAllCookies clears only the page's, and about:blank has none).
        browser.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        browser.get(url);
        await(Duration.ofSeconds(15), "the dashboard loaded", () -> attribute("total-requests", "data-value"));
        await(Duration.ofSeconds(5), "the live stream connected",
                () -> browser.findElement(By.id("live-state")).getText().contains("connected") ? true : null);
    }

    @Test
    void theOperatorSeesTheUsageTotalsAndNewCallsLive() throws Exception {
        JsonNode report = Json.mapper().readTree(
                CliRun.run(env, CliRun.args(home, "usage", "--since", "30d", "--format", "json")).out());
        JsonNode total = report.path("total");
        assertThat(total.path("requests").asLong()).isGreaterThanOrEqualTo(3);

        String link = dashboardUrl();
        assertThat(link).contains("/ui/#login=");
        openFresh(link);
        assertThat(browser.getCurrentUrl()).as("the token left the address bar").doesNotContain("login=");
        assertThat(attribute("total-requests", "data-value")).isEqualTo(total.path("requests").asText());
        assertThat(new BigDecimal(attribute("total-cost", "data-usd"))).isEqualByComparingTo(total.path("cost_usd").decimalValue());
        assertThat(attribute("total-input", "data-value")).isEqualTo(total.path("input").asText());
        assertThat(attribute("total-output", "data-value")).isEqualTo(total.path("output").asText());
        assertThat(browser.findElement(By.id("by-key")).getText()).contains("alice").contains("bob");
        assertThat(browser.findElements(By.cssSelector("#chart-cost svg rect"))).isNotEmpty();
        // receipts: the head and the last `aegis receipts verify`, run before the page opened
        assertThat(Long.parseLong(attribute("receipts", "data-seq"))).isGreaterThanOrEqualTo(3);
        assertThat(attribute("receipts-verify", "data-result")).isEqualTo("intact");
        assertThat(browser.findElement(By.id("receipts-verify")).getText()).contains("intact, 3 receipts up to #3");
        // budgets as bars: the tenant's day and bob's run, from the daemon's live budget state
        WebElement tenant = browser.findElement(By.cssSelector("#limits .limit[data-tenant='default']"));
        assertThat(tenant.getText()).contains("tokens today");
        assertThat(tenant.findElements(By.cssSelector(".bar > div"))).hasSize(1);
        WebElement run = browser.findElement(By.cssSelector("#limits .limit[data-run='nightly-1']"));
        assertThat(run.getText()).contains("run nightly-1 of bob").contains("of 100,000");
        // The fake bills 21 prompt tokens, 5 of them cached: 23.8 % cache hits.
        assertThat(browser.findElement(By.id("by-session")).getText()).contains("browser-session").contains("23.8%");
        assertThat(browser.findElement(By.id("total-cache-hit")).getText()).isEqualTo("23.8%");

        HttpResponse<String> later = send(alice, "gpt-4o");
        long answered = System.nanoTime();
        String requestId = later.headers().firstValue("X-Request-Id").orElseThrow();
        WebElement row = await(LIVE, "the new call on the page", () -> liveRow(requestId));
        assertThat(Duration.ofNanos(System.nanoTime() - answered)).isLessThan(LIVE);
        assertThat(row.getText()).contains("gpt-4o").contains("200").contains("alice");

        Path shot = Path.of("target", "dashboard.png");
        Files.createDirectories(shot.getParent());
        await(Duration.ofSeconds(10), "the totals refreshed after the live call",
                () -> String.valueOf(total.path("requests").asLong() + 1).equals(attribute("total-requests", "data-value"))
                        ? true : null);
        await(Duration.ofSeconds(10), "the chart redrawn with both models",
                () -> browser.findElements(By.cssSelector("#legend > span")).size() == 2 ? true : null);
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll())
                .as("nothing on the page was blocked by its Content-Security-Policy")
                .noneMatch(e -> e.getMessage().contains("Content Security Policy"));
        File png = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), shot, StandardCopyOption.REPLACE_EXISTING);

        browser.get("about:blank");
        browser.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        browser.get(link);
        await(Duration.ofSeconds(15), "a used link is refused",
                () -> browser.findElement(By.id("login-needed")).isDisplayed() ? true : null);
        assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();
    }

    @Test
    void aLinkOpenedOverASessionAsksBeforeSwitchingToIt() throws Exception {
        openFresh(dashboardUrl());
        assertThat(browser.findElement(By.id("viewer")).getText()).contains("admin");

        // A key's holder mints a link for its key and sends it to the operator, who opens it.
        browser.get("about:blank");
        browser.get(dashboardUrl("--key", bobId));
        await(Duration.ofSeconds(15), "the question",
                () -> browser.findElement(By.id("login-switch")).isDisplayed() ? true : null);
        assertThat(browser.findElement(By.id("login-switch-current")).getText()).contains("admin");
        assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();
        browser.findElement(By.id("login-switch-stay")).click();
        await(Duration.ofSeconds(15), "the dashboard back", () -> attribute("total-requests", "data-value"));
        assertThat(browser.findElement(By.id("viewer")).getText()).contains("admin");
        assertThat(browser.findElement(By.id("by-key")).getText()).contains("alice");

        // Asked for, the switch is made.
        browser.get("about:blank");
        browser.get(dashboardUrl("--key", bobId));
        await(Duration.ofSeconds(15), "the question again",
                () -> browser.findElement(By.id("login-switch")).isDisplayed() ? true : null);
        browser.findElement(By.id("login-switch-use")).click();
        await(Duration.ofSeconds(15), "bob's dashboard",
                () -> browser.findElement(By.id("viewer")).getText().contains("bob") ? true : null);
        assertThat(browser.findElement(By.id("login-switch")).isDisplayed()).isFalse();
    }

    /**
     * Money on the page is the daemon's plain decimal, every digit, never an exponent: an outside review saw
     * a call of $0.00000015 shown as {@code $1.5e-7} (the JSON read into a double and printed with String()).
     */
    @Test
    void moneyIsShownAsAPlainDecimal() throws Exception {
        JsonNode tiny = keygen("tiny");
        String key = tiny.path("key").asText();
        String oneToken = "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":1}}";
        // One output token of gpt-4o-mini ($0.60 a million): $0.0000006 (and no input: the other tests' cache-hit rate holds).
        fake.enqueue(new FakeProvider.CannedResponse(200, "application/json", oneToken, Map.of()));
        assertThat(call(key, "gpt-4o-mini")).isEqualTo(200);
        await(Duration.ofSeconds(10), "the call stored", () -> Json.mapper().readTree(CliRun.run(env, CliRun.args(home,
                "usage", "--since", "1d", "--key", tiny.path("id").asText(), "--format", "json")).out())
                .at("/total/requests").asLong() == 1 ? true : null);

        openFresh(dashboardUrl("--key", tiny.path("id").asText()));
        assertThat(browser.findElement(By.id("total-cost")).getText()).isEqualTo("$0.0000006");
        assertThat(attribute("total-cost", "data-usd")).isEqualTo("0.0000006");
        assertThat(browser.findElement(By.id("by-model")).getText()).contains("$0.0000006").doesNotContain("e-");

        fake.enqueue(new FakeProvider.CannedResponse(200, "application/json", oneToken, Map.of()));
        String requestId = send(key, "gpt-4o-mini").headers().firstValue("X-Request-Id").orElseThrow();
        WebElement row = await(LIVE, "the new call on the page", () -> liveRow(requestId));
        assertThat(row.getText()).contains("$0.0000006").doesNotContain("e-");
    }

    /**
     * A login link opened in a tab already showing the dashboard changes only the address's fragment (no
     * reload): the page takes it as it does on loading (an outside review saw nothing happen).
     */
    @Test
    void aLinkOpenedInATabAlreadyOnTheDashboardIsTaken() throws Exception {
        openFresh(dashboardUrl());
        assertThat(browser.findElement(By.id("viewer")).getText()).contains("admin");

        browser.get(dashboardUrl("--key", bobId));
        await(Duration.ofSeconds(15), "the question",
                () -> browser.findElement(By.id("login-switch")).isDisplayed() ? true : null);
        assertThat(browser.getCurrentUrl()).as("the token left the address bar").doesNotContain("login=");
        browser.findElement(By.id("login-switch-use")).click();
        await(Duration.ofSeconds(15), "bob's dashboard",
                () -> browser.findElement(By.id("viewer")).getText().contains("bob") ? true : null);
        await(Duration.ofSeconds(15), "bob's numbers",
                () -> browser.findElement(By.id("by-key")).getText().contains("bob") ? true : null);
        assertThat(browser.findElement(By.id("by-key")).getText()).doesNotContain("alice");
        assertThat(browser.findElements(By.cssSelector("#live tbody tr")))
                .allSatisfy(r -> assertThat(r.getDomAttribute("data-key-id")).isEqualTo(bobId));
    }

    @Test
    void aPlainKeyNeverSeesAnotherKeysCalls() throws Exception {
        openFresh(dashboardUrl("--key", bobId));
        assertThat(browser.findElement(By.id("viewer")).getText()).contains("bob");
        assertThat(browser.findElement(By.id("by-key")).getText()).contains("bob").doesNotContain("alice");

        String aliceCall = send(alice, "gpt-4o-mini").headers().firstValue("X-Request-Id").orElseThrow();
        String bobCall = send(bob, "gpt-4o-mini").headers().firstValue("X-Request-Id").orElseThrow();
        // Events arrive in order: once bob's later call is on the page, alice's would already be.
        await(LIVE, "bob's own call on the page", () -> liveRow(bobCall));
        assertThat(liveRow(aliceCall)).isNull();
        assertThat(browser.findElements(By.cssSelector("#live tbody tr")))
                .allSatisfy(r -> assertThat(r.getDomAttribute("data-key-id")).isEqualTo(bobId));
    }
}
