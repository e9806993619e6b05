package org.mailpulse.common;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.smallrye.mutiny.Multi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.Executor;

/**
 * Reads an uploaded CSV lazily, a chunk of rows at a time, so that a 100,000-row import holds one chunk in
 * memory. The reading blocks, so it runs on the given worker executor; the consumer asks for the next chunk only
 * when it has written the previous one.
 */
public final class CsvChunks {

    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.TRIM_SPACES)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    /** A data row with its 1-based line number in the file (the header is line 1). */
    public record Row(long line, List<String> cells) {
        public String cell(int column) {
            return column < cells.size() ? emptyToNull(cells.get(column)) : null;
        }
    }

    /** The header (lowercased) and the data rows in chunks. */
    public record Chunk(List<String> header, List<Row> rows) {
    }

    private CsvChunks() {
    }

    public static Multi<Chunk> read(InputStream body, int chunkSize, Executor worker) {
        return Multi.createFrom().<Chunk>iterable(() -> iterator(body, chunkSize)).runSubscriptionOn(worker);
    }

    private static Iterator<Chunk> iterator(InputStream body, int chunkSize) {
        try {
            MappingIterator<List<String>> rows = CSV.readerForListOf(String.class).readValues(body);
            if (!rows.hasNext()) {
                throw new CsvFormatException("the CSV is empty: a header row is required");
            }
            List<String> header = rows.next().stream().map(h -> h == null ? "" : h.trim().toLowerCase(Locale.ROOT)).toList();
            return new Iterator<>() {
                long line = 1;

                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Chunk next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    List<Row> chunk = new ArrayList<>(chunkSize);
                    try {
                        while (chunk.size() < chunkSize && rows.hasNext()) {
                            line++;
                            chunk.add(new Row(line, rows.next()));
                        }
                    } catch (RuntimeException e) {
                        throw new CsvFormatException("the CSV cannot be read after line " + line + ": " + rootMessage(e));
                    }
                    return new Chunk(header, chunk);
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (e instanceof CsvFormatException) {
                throw e;
            }
            throw new CsvFormatException("the CSV cannot be read: " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String emptyToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** The upload is not readable CSV; answered as 400. */
    public static final class CsvFormatException extends RuntimeException {
        public CsvFormatException(String message) {
            super(message);
        }
    }
}
