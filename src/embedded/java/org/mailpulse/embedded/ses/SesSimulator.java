package org.mailpulse.embedded.ses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.mailpulse.embedded.RequestSignature;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SES v2 endpoint on loopback for tests and the local run. It accepts what the AWS SDK's SesV2 clients send
 * (the SigV4 signature is not checked) and:
 * <ul>
 *   <li>answers SendEmail ({@code POST /v2/email/outbound-emails}) with a fresh SES-style MessageId, or, with an
 *       {@link Options#upstream() upstream}, forwards every request verbatim to it (e.g. aws-ses-v2-local) and
 *       relays its answer;</li>
 *   <li>keeps every accepted mail ({@link #sentMails()}) and the arrival time of every SendEmail request
 *       ({@link #sendTimes()}), faulted ones included;</li>
 *   <li>fails SendEmail requests on demand ({@link #failNext(int, Fault)}, {@link #failFor(String, Fault)}) with
 *       the error answers SES gives, which are never forwarded;</li>
 *   <li>with an {@link Options#eventsQueue() events queue}, plays the SES mailbox simulator: it publishes the SES
 *       event records of each accepted mail, in SNS Notification envelopes (or as {@link EventWrapping} says), to the
 *       queue from a background thread,
 *       so the answer never waits for SQS ({@link MailboxSimulator} lists what each address produces). The events
 *       may reach the queue before the client has read its answer unless {@link Options#eventDelay()} says
 *       otherwise.</li>
 * </ul>
 * Without an upstream, stored templates are kept (so a template's subject can be rendered into events),
 * and every other operation answers 200 {@code {}}. GetAccount always describes the {@link #account() simulated account},
 * whose quota SendEmail is admitted against (with or without an upstream). The account suppression list
 * calls ({@link AccountSuppressionList}) are always answered by the simulator itself, never forwarded.
 */
public final class SesSimulator implements AutoCloseable {

    public static final String SEND_EMAIL_PATH = "/v2/email/outbound-emails";

    /**
     * Control over HTTP, for tests whose code cannot share objects with the simulator (another class loader):
     * POST fail-next?count=N&fault=F, POST fail-for?address=A&fault=F, POST clear, POST account?max24HourSend=&maxSendRate=&window=&sendingEnabled=
     * ({@link SimulatedAccount}), GET send-times (epoch ms),
     * GET sent (the recorded mails), GET signatures (each SES request and who signed it: request, signature.accessKeyId,
     * signature.sessionToken); for the account suppression list: POST suppression/put?address=A&reason=BOUNCE|COMPLAINT&time=ISO
     * (adds or updates an entry, time defaults to now), POST suppression/fail-next?after=M&count=N&fault=F, GET suppression/entries.
     */
    public static final String CONTROL_PATH = "/_simulator/";
    private static final String TEMPLATES_PATH = "/v2/email/templates";
    private static final String ACCOUNT_PATH = "/v2/email/account";
    private static final System.Logger LOG = System.getLogger(SesSimulator.class.getName());

    /**
     * @param upstream         SES-compatible endpoint to forward every non-faulted request to, or null to answer itself
     * @param eventsQueue      where to publish SES events, or null for none
     * @param configurationSet the {@code ses:configuration-set} tag of events for mail sent without ConfigurationSetName
     * @param topicArn         the TopicArn of the SNS envelopes
     * @param eventDelay       how long after accepting a mail its events go to the queue (zero: at once). Real SES
     *                         publishes Send within about a second; a delay lets a sender commit the MessageId
     *                         before the consumer can see events for it
     * @param maxRecorded      how many of the latest mails, send times and requests are kept (counts are not capped)
     */
    public record Options(URI upstream, EventsQueue eventsQueue, String configurationSet, String topicArn, Duration eventDelay,
                          int maxRecorded) {

        public static final String DEFAULT_CONFIGURATION_SET = "mailpulse";
        public static final String DEFAULT_TOPIC_ARN = "arn:aws:sns:us-east-1:" + MailboxSimulator.ACCOUNT_ID + ":ses-simulator-events";
        public static final int DEFAULT_MAX_RECORDED = 10_000;

        public Options {
            configurationSet = configurationSet == null ? DEFAULT_CONFIGURATION_SET : configurationSet;
            topicArn = topicArn == null ? DEFAULT_TOPIC_ARN : topicArn;
            eventDelay = eventDelay == null ? Duration.ZERO : eventDelay;
            if (eventDelay.isNegative()) {
                throw new IllegalArgumentException("eventDelay must not be negative: " + eventDelay);
            }
            if (maxRecorded <= 0) {
                throw new IllegalArgumentException("maxRecorded must be positive: " + maxRecorded);
            }
        }

        /** No upstream, no events. */
        public static Options defaults() {
            return new Options(null, null, null, null, null, DEFAULT_MAX_RECORDED);
        }

        public Options withUpstream(String url) {
            return new Options(url == null ? null : URI.create(url), eventsQueue, configurationSet, topicArn, eventDelay, maxRecorded);
        }

        /** @param sqsEndpoint e.g. http://localhost:9324; region us-east-1, credentials local/local */
        public Options withEventsQueue(String sqsEndpoint, String queueUrl) {
            return new Options(upstream, new EventsQueue(sqsEndpoint, queueUrl), configurationSet, topicArn, eventDelay, maxRecorded);
        }

        public Options withConfigurationSet(String name) {
            return new Options(upstream, eventsQueue, name, topicArn, eventDelay, maxRecorded);
        }

        public Options withTopicArn(String arn) {
            return new Options(upstream, eventsQueue, configurationSet, arn, eventDelay, maxRecorded);
        }

        public Options withEventDelay(Duration delay) {
            return new Options(upstream, eventsQueue, configurationSet, topicArn, delay, maxRecorded);
        }

        public Options withMaxRecorded(int max) {
            return new Options(upstream, eventsQueue, configurationSet, topicArn, eventDelay, max);
        }
    }

    public record EventsQueue(String endpoint, String queueUrl) {

        public EventsQueue {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(queueUrl, "queueUrl");
        }
    }

    private final HttpServer server;
    private final ExecutorService httpExecutor;
    private final Options options;
    private final UpstreamForwarder upstream;
    private final EventPublisher publisher;
    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();
    private final SendEmailParser parser = new SendEmailParser(json);
    private final MailboxSimulator mailbox = new MailboxSimulator(json);
    private final AccountSuppressionList suppressionList = new AccountSuppressionList(json);

    private final Recorded<SentMail> sentMails;
    private final Recorded<Instant> sendTimes;
    private final Recorded<String> requests;
    private final Recorded<SignedRequest> signatures;
    private final AtomicInteger sendRequests = new AtomicInteger();
    private final ConcurrentLinkedQueue<Fault> nextFaults = new ConcurrentLinkedQueue<>();
    private final Map<String, Fault> recipientFaults = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> templates = new ConcurrentHashMap<>();
    private final SimulatedAccount account = new SimulatedAccount();

    private SesSimulator(HttpServer server, ExecutorService httpExecutor, Options options) {
        this.server = server;
        this.httpExecutor = httpExecutor;
        this.options = options;
        this.sentMails = new Recorded<>(options.maxRecorded());
        this.sendTimes = new Recorded<>(options.maxRecorded());
        this.requests = new Recorded<>(options.maxRecorded());
        this.signatures = new Recorded<>(options.maxRecorded());
        this.upstream = options.upstream() == null ? null : new UpstreamForwarder(options.upstream());
        this.publisher = options.eventsQueue() == null ? null
                : new EventPublisher(options.eventsQueue().endpoint(), options.eventsQueue().queueUrl(), options.eventDelay());
    }

    /** Listens on 127.0.0.1:port (0 for any free port). */
    public static SesSimulator start(int port, Options options) {
        Objects.requireNonNull(options, "options");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the SES simulator on port " + port, e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "ses-simulator-http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        SesSimulator simulator = new SesSimulator(server, executor, options);
        server.createContext("/", simulator::handle);
        server.setExecutor(executor);
        server.start();
        return simulator;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String endpoint() {
        return "http://localhost:" + port();
    }

    public Options options() {
        return options;
    }

    /** The account GetAccount describes and SendEmail is admitted against (answered here even with an upstream). */
    public SimulatedAccount account() {
        return account;
    }

    // ------------------------------------------------------------------ what happened

    /** The accepted mails, oldest first (a snapshot). */
    public List<SentMail> sentMails() {
        return sentMails.snapshot();
    }

    /** Arrival time of every SendEmail request, faulted and rejected ones included, oldest first (a snapshot). */
    public List<Instant> sendTimes() {
        return sendTimes.snapshot();
    }

    /** SendEmail requests received, faulted and rejected ones included. */
    public int sendRequestCount() {
        return sendRequests.get();
    }

    /** "METHOD /path" of every request received, oldest first (a snapshot). */
    public List<String> requests() {
        return requests.snapshot();
    }

    /** A request ("METHOD /path") and who signed it. */
    public record SignedRequest(String request, RequestSignature signature) {
    }

    /** Who signed each SES request (control requests and unsigned ones aside), oldest first (a snapshot). */
    public List<SignedRequest> signatures() {
        return signatures.snapshot();
    }

    /** Event bodies sent to the queue so far. */
    public long publishedEventCount() {
        return publisher == null ? 0 : publisher.published();
    }

    /** Event bodies that could not be sent to the queue (each was logged). */
    public long failedEventCount() {
        return publisher == null ? 0 : publisher.failed();
    }

    /**
     * Waits until the events of every mail accepted so far are on the queue (or failed); true if that happened
     * within the timeout (which should cover the event delay). Without an events queue there is nothing to wait for.
     */
    public boolean awaitEventsPublished(Duration timeout) {
        return publisher == null || publisher.awaitIdle(timeout);
    }

    /** The account-level suppression list, which the simulator serves itself, with or without an upstream. */
    public AccountSuppressionList suppressionList() {
        return suppressionList;
    }

    /** Forgets the recorded mails, send times, requests and counts, disarms every fault, and resets the suppression list. */
    public void clear() {
        suppressionList.reset();
        nextFaults.clear();
        recipientFaults.clear();
        sentMails.clear();
        synchronized (sendTimes) {
            sendTimes.clear();
            sendRequests.set(0);
        }
        requests.clear();
        signatures.clear();
    }

    // ------------------------------------------------------------------ faults

    /** The next {@code count} SendEmail requests fail with that fault; successive calls queue up in order. */
    public void failNext(int count, Fault fault) {
        Objects.requireNonNull(fault, "fault");
        for (int i = 0; i < count; i++) {
            nextFaults.add(fault);
        }
    }

    /**
     * Every SendEmail request with that address among its recipients (To, Cc or Bcc; compared bare and
     * case-insensitively) fails with that fault, until {@link #clear()}. Faults armed with {@link #failNext}
     * are consumed first.
     */
    public void failFor(String recipientAddress, Fault fault) {
        recipientFaults.put(SentMail.matchKey(recipientAddress), Objects.requireNonNull(fault, "fault"));
    }

    /** Faults armed by {@link #failNext} and not consumed yet. */
    public int pendingFaults() {
        return nextFaults.size();
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange exchange) {
        try {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String normalised = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            requests.add(method + " " + path);
            if (normalised.startsWith(CONTROL_PATH)) {
                handleControl(exchange, method, normalised.substring(CONTROL_PATH.length()));
                return;
            }
            RequestSignature signature = RequestSignature.of(exchange.getRequestHeaders());
            if (signature != null) {
                signatures.add(new SignedRequest(method + " " + path, signature));
            }
            if (suppressionList.serves(normalised)) {
                answer(exchange, suppressionList.handle(method, normalised, exchange.getRequestURI().getRawQuery(), readBody(exchange)));
            } else if ("POST".equals(method) && SEND_EMAIL_PATH.equals(normalised)) {
                handleSend(exchange);
            } else if ("GET".equals(method) && ACCOUNT_PATH.equals(normalised)) {
                respond(exchange, 200, json.writeValueAsBytes(account.json(json, Instant.now())));
            } else {
                handleOther(exchange, method, normalised);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(System.Logger.Level.ERROR, "SES simulator failed on " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI(), e);
            try {
                error(exchange, 500, "InternalFailure", "The SES simulator failed: " + e);
            } catch (IOException | RuntimeException ignored) {
                // the answer may have started already; the client sees a broken response
            }
        } finally {
            exchange.close();
        }
    }

    private void handleControl(HttpExchange exchange, String method, String action) throws IOException {
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        switch (method + " " + action) {
            case "POST fail-next" -> failNext(Integer.parseInt(query.getOrDefault("count", "1")), Fault.valueOf(query.get("fault")));
            case "POST fail-for" -> failFor(query.get("address"), Fault.valueOf(query.get("fault")));
            case "POST clear" -> clear();
            case "POST suppression/put" -> suppressionList.put(query.get("address"), query.getOrDefault("reason", "BOUNCE"),
                    query.containsKey("time") ? Instant.parse(query.get("time")) : Instant.now());
            case "POST suppression/fail-next" -> suppressionList.failNext(Integer.parseInt(query.getOrDefault("after", "0")),
                    Integer.parseInt(query.getOrDefault("count", "1")), Fault.valueOf(query.get("fault")));
            case "GET suppression/entries" -> {
                respond(exchange, 200, json.writeValueAsBytes(suppressionList.entries()));
                return;
            }
            case "POST account" -> account.configure(query);
            case "GET send-times" -> {
                respond(exchange, 200, json.writeValueAsBytes(sendTimes().stream().map(Instant::toEpochMilli).toList()));
                return;
            }
            case "GET sent" -> {
                respond(exchange, 200, json.writeValueAsBytes(sentMails()));
                return;
            }
            case "GET signatures" -> {
                respond(exchange, 200, json.writeValueAsBytes(signatures()));
                return;
            }
            default -> {
                error(exchange, 404, "NotFoundException", "unknown control " + method + " " + action);
                return;
            }
        }
        respond(exchange, 200, "{}".getBytes(StandardCharsets.UTF_8));
    }

    private void handleSend(HttpExchange exchange) throws IOException, InterruptedException {
        synchronized (sendTimes) {
            sendTimes.add(Instant.now());
            sendRequests.incrementAndGet();
        }
        byte[] body = readBody(exchange);
        SentMail mail;
        try {
            mail = parser.parse(json.readTree(body), templateSubjects());
        } catch (IOException | RuntimeException e) {
            error(exchange, 400, "BadRequestException", "The request body is not valid SendEmail JSON: " + e.getMessage());
            return;
        }
        Fault fault = nextFaults.poll();
        if (fault == null) {
            fault = mail.recipients().stream().map(r -> recipientFaults.get(SentMail.matchKey(r)))
                    .filter(Objects::nonNull).findFirst().orElse(null);
        }
        if (fault != null) {
            error(exchange, fault.status(), fault.errorType(), fault.message());
            return;
        }
        if (upstream != null) {
            if (refusedByAccount(exchange)) {
                return;
            }
            UpstreamForwarder.Response response = forward(exchange, body);
            if (response == null) {
                return;
            }
            if (!response.successful()) {
                relay(exchange, response);
                return;
            }
            // The upstream's own ids (aws-ses-v2-local: "ses-" and nine random digits) repeat within a few ten
            // thousand sends, and a MessageId is unique at SES: the answer carries an id of the simulator's own.
            String messageId = SesIds.messageId();
            publishEvents(accept(mail, messageId));
            respond(exchange, 200, json.writeValueAsBytes(json.createObjectNode().put("MessageId", messageId)));
            return;
        }
        String problem = SendEmailParser.problem(mail);
        if (problem != null) {
            error(exchange, 400, "BadRequestException", problem);
            return;
        }
        if (refusedByAccount(exchange)) {
            return;
        }
        String messageId = SesIds.messageId();
        publishEvents(accept(mail, messageId));
        respond(exchange, 200, json.writeValueAsBytes(json.createObjectNode().put("MessageId", messageId)));
    }

    /** Answers the account's refusal (daily quota used up, sending paused) if it has one; otherwise counts the mail. */
    private boolean refusedByAccount(HttpExchange exchange) throws IOException {
        Fault refusal = account.admit(Instant.now());
        if (refusal != null) {
            error(exchange, refusal.status(), refusal.errorType(), refusal.message());
        }
        return refusal != null;
    }

    /**
     * Records the mail before the client gets its answer, so a client that has its MessageId finds it in
     * {@link #sentMails()} and can {@link #awaitEventsPublished wait for its events}.
     */
    private SentMail accept(SentMail mail, String messageId) {
        SentMail accepted = mail.accepted(messageId, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        sentMails.add(accepted);
        return accepted;
    }

    /** Hands the mail's events to the publisher's thread, which builds and sends them: nothing here waits for SQS. */
    private void publishEvents(SentMail mail) {
        if (publisher == null) {
            return;
        }
        publisher.publish(() -> {
            List<String> bodies = new ArrayList<>();
            for (MailboxSimulator.Event event : mailbox.events(mail, options.configurationSet())) {
                bodies.add(mailbox.body(event, publisher.wrapping(), options.topicArn(), Instant.now()));
            }
            return bodies;
        });
    }

    private void handleOther(HttpExchange exchange, String method, String path) throws IOException, InterruptedException {
        byte[] body = readBody(exchange);
        if (upstream != null) {
            UpstreamForwarder.Response response = forward(exchange, body);
            if (response != null) {
                if (response.successful()) {
                    noteTemplate(method, path, body);
                }
                relay(exchange, response);
            }
            return;
        }
        if (path.equals(TEMPLATES_PATH) || path.startsWith(TEMPLATES_PATH + "/")) {
            String name = path.equals(TEMPLATES_PATH) ? null : path.substring(TEMPLATES_PATH.length() + 1);
            if ("GET".equals(method) && name != null) {
                JsonNode template = templates.get(name);
                if (template == null) {
                    error(exchange, 404, "NotFoundException", "Template " + name + " does not exist.");
                } else {
                    respond(exchange, 200, json.writeValueAsBytes(template));
                }
                return;
            }
            noteTemplate(method, path, body);
        }
        respond(exchange, 200, "{}".getBytes(StandardCharsets.UTF_8));
    }

    /** Keeps CreateEmailTemplate / UpdateEmailTemplate / DeleteEmailTemplate, to render subjects into events. */
    private void noteTemplate(String method, String path, byte[] body) {
        if (!(path.equals(TEMPLATES_PATH) || path.startsWith(TEMPLATES_PATH + "/"))) {
            return;
        }
        String name = path.equals(TEMPLATES_PATH) ? null : path.substring(TEMPLATES_PATH.length() + 1);
        try {
            if ("DELETE".equals(method) && name != null) {
                templates.remove(name);
            } else if ("POST".equals(method) && name == null || "PUT".equals(method) && name != null) {
                JsonNode request = json.readTree(body);
                String templateName = name != null ? name : request.path("TemplateName").asText(null);
                if (templateName != null) {
                    ObjectNode template = json.createObjectNode().put("TemplateName", templateName);
                    template.set("TemplateContent", request.path("TemplateContent"));
                    templates.put(templateName, template);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "SES simulator could not read the template request to " + path, e);
        }
    }

    private Map<String, String> templateSubjects() {
        Map<String, String> subjects = new HashMap<>();
        templates.forEach((name, template) -> {
            JsonNode subject = template.path("TemplateContent").path("Subject");
            if (subject.isTextual()) {
                subjects.put(name, subject.asText());
            }
        });
        return subjects;
    }

    // ------------------------------------------------------------------ plumbing

    /** The upstream's answer, or null after answering 502 because it could not be reached. */
    private UpstreamForwarder.Response forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        try {
            return upstream.forward(exchange.getRequestMethod(), exchange.getRequestURI(), exchange.getRequestHeaders(), body);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "SES simulator could not reach its upstream " + upstream.base(), e);
            error(exchange, 502, "ServiceUnavailable", "The SES upstream " + upstream.base() + " is unreachable: " + e);
            return null;
        }
    }

    private static void relay(HttpExchange exchange, UpstreamForwarder.Response response) throws IOException {
        response.headers().forEach((name, values) -> {
            if (UpstreamForwarder.relayable(name)) {
                exchange.getResponseHeaders().put(name, new ArrayList<>(values));
            }
        });
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private void answer(HttpExchange exchange, AccountSuppressionList.Answer answer) throws IOException {
        if (answer.errorType() != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", answer.errorType());
        }
        respond(exchange, answer.status(), answer.body());
    }

    /** An SES v2 (rest-json) error: the SDK takes the code from x-amzn-ErrorType and the text from "message". */
    private void error(HttpExchange exchange, int status, String errorType, String message) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        respond(exchange, status, json.writeValueAsBytes(json.createObjectNode().put("message", message)));
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-RequestId", SesIds.requestId());
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    /** Stops listening, then publishes the events still queued (for up to 10 s). */
    @Override
    public void close() {
        server.stop(0);
        httpExecutor.shutdownNow();
        if (publisher != null) {
            publisher.close();
        }
    }
}
