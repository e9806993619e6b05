package org.mailpulse.ses;

import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;

import java.util.List;

/**
 * One SES client per SES event loop ({@link SesEventLoops}), in the loops' order, each with its connections on its
 * loop (built by {@link SesClientProducer}). The first is the one every other SES call uses.
 */
public record SesClients(List<SesV2AsyncClient> all, SesEventLoops loops) {

    public SesClients {
        all = List.copyOf(all);
    }

    public SesV2AsyncClient first() {
        return all.get(0);
    }

    /** The client whose connections live on the loop the caller runs on: a call made there never leaves the thread. */
    public SesV2AsyncClient onCurrentLoop() {
        return all.get(loops.current());
    }
}
