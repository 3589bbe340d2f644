/**
 * Rules for the strings isr4j passes on: what a header field may hold ({@link dev.isr4j.text.HeaderFields}),
 * how header fields cross the JS boundary as one text ({@link dev.isr4j.text.HeaderFraming}), and checks,
 * splitting and percent-decoding without {@code java.util.regex} ({@link dev.isr4j.text.Text}).
 *
 * <p>A leaf: depends on nothing else in isr4j.
 */
package dev.isr4j.text;
