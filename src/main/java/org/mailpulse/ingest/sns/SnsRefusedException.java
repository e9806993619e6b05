package org.mailpulse.ingest.sns;

/** A verification step refused the envelope; carried through a {@code Uni} and turned into a quarantine reason. */
public final class SnsRefusedException extends RuntimeException {

    private final SnsRefusal refusal;

    public SnsRefusedException(SnsRefusal refusal, String detail) {
        super(detail, null, false, false);
        this.refusal = refusal;
    }

    public SnsRefusal refusal() {
        return refusal;
    }
}
