/**
 * JSON where no library compiles under TeaVM: a small reader ({@link dev.isr4j.json.JsonReader}). Writing is
 * {@link dev.isr4j.Json}; the plain-Java {@link dev.isr4j.JsonCodec} built on both is {@code Env.json()}'s default.
 *
 * <p>A leaf: imports nothing of isr4j, so the API may use it (see {@code ArchitectureTest}).
 */
package dev.isr4j.json;
