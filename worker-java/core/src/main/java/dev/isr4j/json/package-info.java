/**
 * JSON where no library compiles under TeaVM: a small reader ({@link dev.isr4j.json.JsonReader}) and the
 * pure-Java {@link dev.isr4j.JsonCodec} used when the host has no faster one. (Writing is {@link dev.isr4j.Json}.)
 *
 * <p>A leaf: depends on nothing else in isr4j but the API's {@link dev.isr4j.Json} and {@link dev.isr4j.JsonCodec}.
 */
package dev.isr4j.json;
