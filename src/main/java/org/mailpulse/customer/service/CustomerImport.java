package org.mailpulse.customer.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.CsvChunks;
import org.mailpulse.common.Emails;
import org.mailpulse.common.ImportReport;
import org.mailpulse.customer.repository.CustomerImportRepository;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * CSV import of customers ({@code email,name,company,country}), upserting by email: created, updated, or
 * rejected with the line and the reason. Chunks of rows are written as one statement each.
 */
@ApplicationScoped
public class CustomerImport {

    static final int CHUNK = 1_000;

    private final CustomerImportRepository customers;

    public CustomerImport(CustomerImportRepository customers) {
        this.customers = customers;
    }

    public Uni<ImportReport> importCsv(InputStream body, Executor worker) {
        ImportReport.Builder report = new ImportReport.Builder();
        return CsvChunks.read(body, CHUNK, worker)
                .onItem().transformToUniAndConcatenate(chunk -> write(chunk, report))
                .collect().last()
                .map(ignored -> report.build());
    }

    private Uni<Void> write(CsvChunks.Chunk chunk, ImportReport.Builder report) {
        int email = chunk.header().indexOf("email");
        if (email < 0) {
            return Uni.createFrom().failure(new CsvChunks.CsvFormatException("the header has no 'email' column"));
        }
        int name = chunk.header().indexOf("name");
        int company = chunk.header().indexOf("company");
        int country = chunk.header().indexOf("country");
        Map<String, Long> seen = new HashMap<>();
        List<String[]> rows = new ArrayList<>();
        for (CsvChunks.Row row : chunk.rows()) {
            String address = Emails.normalise(row.cell(email));
            String countryCode = country < 0 ? null : row.cell(country);
            if (!Emails.isValid(address)) {
                report.reject(row.line(), address == null ? "email is missing" : "email is not a valid address");
            } else if (countryCode != null && !countryCode.matches("[A-Za-z]{2}")) {
                report.reject(row.line(), "country must be a two-letter ISO 3166 code");
            } else if (seen.containsKey(address)) {
                report.reject(row.line(), "duplicate of line " + seen.get(address));
            } else {
                seen.put(address, row.line());
                rows.add(new String[]{address, cell(row, name), cell(row, company), countryCode == null ? null : countryCode.toUpperCase()});
            }
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return customers.upsert(column(rows, 0), column(rows, 1), column(rows, 2), column(rows, 3))
                .invoke(result -> {
                    for (boolean created : result) {
                        if (created) {
                            report.created();
                        } else {
                            report.updated();
                        }
                    }
                })
                .replaceWithVoid();
    }

    private static String cell(CsvChunks.Row row, int column) {
        if (column < 0) {
            return null;
        }
        String value = row.cell(column);
        // Line breaks would let a name inject headers into mail that quotes it; they never belong in a name.
        return value == null ? null : value.replaceAll("[\\r\\n]+", " ").strip();
    }

    private static String[] column(List<String[]> rows, int index) {
        return rows.stream().map(r -> r[index]).toArray(String[]::new);
    }
}
