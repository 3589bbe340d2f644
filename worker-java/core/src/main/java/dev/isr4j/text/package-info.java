/**
 * Rules for the strings isr4j passes on, shared by the API and the runtime: what a header field may hold ({@link
 * dev.isr4j.text.HeaderFields}), how header fields cross the JS boundary as one text ({@link
 * dev.isr4j.text.HeaderFraming}), the one canonical spelling of a path ({@link dev.isr4j.text.CanonicalPath}), route
 * patterns and matching ({@link dev.isr4j.text.Router}), what a cache tag may hold ({@link dev.isr4j.text.Tags}),
 * checks, splitting and percent-decoding without {@code java.util.regex} ({@link dev.isr4j.text.Text}), and the
 * calendar arithmetic behind HTTP-dates and ISO-8601 text ({@link dev.isr4j.text.CivilDates}).
 *
 * <p>A leaf: imports nothing of isr4j, so the API may use it (see {@code ArchitectureTest}).
 */
package dev.isr4j.text;
