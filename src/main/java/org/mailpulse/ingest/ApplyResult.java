package org.mailpulse.ingest;

import org.mailpulse.ses.event.SesEvent;
import java.util.List;

/**
 * What one transaction applied.
 *
 * @param applied     events applied for the first time
 * @param duplicates  events whose key had been applied before (nothing changed)
 */
public record ApplyResult(List<SesEvent> applied, int duplicates, List<StatusChange> statusChanges, int suppressions) {

    public static final ApplyResult EMPTY = new ApplyResult(List.of(), 0, List.of(), 0);
}
