package org.mailpulse.customer.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.AddressLanes;
import org.mailpulse.common.BulkWriteConfig;
import org.mailpulse.common.CsvChunks;
import org.mailpulse.common.Emails;
import org.mailpulse.common.ImportReport;
import org.mailpulse.common.TimeOrderedIds;
import org.mailpulse.customer.repository.CustomerImportRepository;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * CSV import of customers ({@code email,name,company,country}), upserting by email: created, updated, or
 * rejected with the line and the reason. A chunk of rows is split among {@code mailpulse.bulk.writers}
 * statements by address, written at once, while the next chunk is read.
 */
@ApplicationScoped
public class CustomerImport {

    private final CustomerImportRepository customers;
    private final TimeOrderedIds ids;
    private final BulkWriteConfig bulk;

    public CustomerImport(CustomerImportRepository customers, TimeOrderedIds ids, BulkWriteConfig bulk) {
        this.customers = customers;
        this.ids = ids;
        this.bulk = bulk;
    }

    public Uni<ImportReport> importCsv(InputStream body, Executor worker) {
        ImportReport.Builder report = new ImportReport.Builder();
        return CsvChunks.read(body, bulk.chunkRows(), worker)
                .emitOn(worker, 2)
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
        List<Uni<CustomerImportRepository.Outcome>> writes = new ArrayList<>();
        for (List<String[]> lane : AddressLanes.split(rows, r -> r[0], bulk.writers())) {
            if (!lane.isEmpty()) {
                writes.add(customers.upsert(column(lane, 0), column(lane, 1), column(lane, 2), column(lane, 3), ids.next(lane.size())));
            }
        }
        if (writes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.combine().all().unis(writes).with(CustomerImportRepository.Outcome.class, outcomes -> {
            for (CustomerImportRepository.Outcome outcome : outcomes) {
                report.created(outcome.created());
                report.updated(outcome.updated());
            }
            return null;
        }).replaceWithVoid();
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
