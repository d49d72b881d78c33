package dev.aegis.cli.doctor;

/**
 * One line of {@code aegis doctor}'s report: what was checked, what was found and, when it is not
 * right, the one thing to do about it.
 *
 * @param fix null when there is nothing to do
 */
public record Finding(String check, Status status, String message, String fix) {

    /** A failure makes {@code doctor} exit 1; a warning does not. */
    public enum Status { PASS, WARN, FAIL }

    public static Finding pass(String check, String message) {
        return new Finding(check, Status.PASS, message, null);
    }

    public static Finding warn(String check, String message, String fix) {
        return new Finding(check, Status.WARN, message, fix);
    }

    public static Finding fail(String check, String message, String fix) {
        return new Finding(check, Status.FAIL, message, fix);
    }

    public boolean failed() {
        return status == Status.FAIL;
    }
}
