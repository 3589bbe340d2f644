package dev.isr4j.wasm.js;

import org.teavm.jso.JSBody;

/**
 * Doubles to and from text with the host's JS number conversion instead of TeaVM's tables (a smaller module).
 * The build's transformer routes {@code Double.parseDouble} and the {@code StringBuilder} double writer here;
 * the text is Java's: {@code "0.001"}, {@code "1.5"}, {@code "100.0"}, {@code "1.0E7"}, {@code "1.25E-4"}
 * (shortest digits that read back as the same double; zeros are {@code "0.0"} and {@code "-0.0"}).
 */
public final class JsNumbers {
    private JsNumbers() {
    }

    /** What {@code Double.toString(v)} gives. */
    public static String format(double v) {
        return text(v);
    }

    @JSBody(params = "v", script = "return isr4jJs.doubleText(v);")
    private static native String text(double v);

    /** {@code Double.parseDouble}: decimal text (optional sign, exponent, d/f suffix), NaN and Infinity. */
    public static double parse(String s) {
        String t = s.trim();
        if (!decimal(t)) {
            throw new NumberFormatException("Invalid double: \"" + t + "\"");
        }
        return number(t);
    }

    @JSBody(params = "s", script = "return /^[+-]?(NaN|Infinity|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?[dDfF]?)$/"
            + ".test(s);")
    private static native boolean decimal(String s);

    @JSBody(params = "s", script = "return Number(s.replace(/[dDfF]$/, ''));")
    private static native double number(String s);
}
