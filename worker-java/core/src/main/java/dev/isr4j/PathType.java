package dev.isr4j;

/** What {@code revalidatePath} covers, as in Next.js. */
public enum PathType {
    /** Just this path. */
    PAGE,
    /** This path and every path below it, by whole segments ({@code /blog} covers {@code /blog/a}, not {@code /blog-archive}). */
    LAYOUT
}
