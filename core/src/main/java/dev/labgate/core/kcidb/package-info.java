/**
 * The KCIDB I/O schema v5.3 as immutable records: the one format in which every lab reports.
 *
 * <p>Component names are the schema's property names in camel case ({@code log_url} is
 * {@code logUrl}, {@code _timestamp} is {@code timestamp}). Optional properties are {@code null}
 * when absent, as in the schema, and are never written out as {@code null}; JSON mapping and
 * validation live in the {@code kcidb-client} module. Timestamps are kept as the RFC 3339 text the
 * origin sent, so that a report round-trips unchanged.
 */
package dev.labgate.core.kcidb;
