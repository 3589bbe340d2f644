package dev.isr4j.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A wrangler migrations folder applied to a fresh database: every {@code *.sql} file, in name order. */
public final class D1Migrations {
    private D1Migrations() {
    }

    /**
     * Applies the migrations in {@code folder} (none when it does not exist); returns how many were applied.
     *
     * @throws IllegalStateException naming the migration that failed and SQLite's message
     */
    public static int apply(JdbcSqlDatabase db, Path folder) {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(folder)) {
            files = listed.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list migrations in " + folder + ": " + e.getMessage(), e);
        }
        for (Path file : files) {
            try {
                db.execute(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("migration " + file + " failed: " + e.getMessage(), e);
            }
        }
        return files.size();
    }
}
