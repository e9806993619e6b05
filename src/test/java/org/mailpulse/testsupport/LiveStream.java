package org.mailpulse.testsupport;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A client of a campaign's live stream ({@code GET /api/campaigns/{id}/live}): its data lines, as they arrive. */
public record LiveStream(BlockingQueue<String> events, InputStream body) implements AutoCloseable {

    /** Subscribes; the data lines are put on {@link #events()} until the stream ends or is closed. */
    public static LiveStream open(String baseUrl, Object campaign) throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/campaigns/" + campaign + "/live"))
                .header("Authorization", "Bearer " + ApiToken.TOKEN).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("live stream answered " + response.statusCode());
        }
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("data:")) {
                        events.add(line.substring(5).trim());
                    }
                }
            } catch (Exception ignored) {
                // the stream ends with the test or the instance
            }
        });
        reader.setDaemon(true);
        reader.start();
        return new LiveStream(events, response.body());
    }

    @Override
    public void close() throws java.io.IOException {
        body.close();
    }
}
