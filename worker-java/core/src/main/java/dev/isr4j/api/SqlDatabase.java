package dev.isr4j.api;

import java.util.List;

/**
 * A SQL database a host provides behind {@link dev.isr4j.D1}: Cloudflare D1 in workerd, SQLite over JDBC in the
 * test kit and at build time. Statements and their outcomes cross as JSON text, so both hosts hand the API the
 * same thing and rows bind to records through the same adapters.
 *
 * <p>Parameters: a JSON array of strings, numbers and nulls, bound in order to the statement's {@code ?}s.
 * An outcome: {@code {"results":[{"column":value,...},...],"changes":n,"lastRowId":n}}, columns by the names
 * the query gives them, integers and reals as JSON numbers, text as strings, SQL NULL as null.
 */
public interface SqlDatabase {
    /** One statement and its parameters (a JSON array). */
    record Query(String sql, String paramsJson) {
    }

    /**
     * Runs one statement.
     *
     * @throws RuntimeException with the database's own message (syntax, constraint, ...); {@link dev.isr4j.D1}
     *     hands it to the handler as a {@link dev.isr4j.D1Exception}
     */
    String run(Query query);

    /**
     * Runs the statements in order as one transaction: all of them take effect, or none when one fails.
     *
     * @return one outcome per statement, in order
     * @throws RuntimeException with the database's message; nothing of the batch is kept
     */
    List<String> batch(List<Query> queries);
}
