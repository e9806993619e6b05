package org.mailpulse.common;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Completes the OpenAPI document with what no resource method states, so clients can be generated from it:
 * <ul>
 *   <li>the problem+json answers every /api operation can give (they come from the one mapping place, not from
 *   each method);</li>
 *   <li>what {@code BearerTokenFilter} enforces: every /api operation requires the bearer scheme, the public
 *   pages (the unsubscribe link) explicitly none;</li>
 *   <li>operation ids after resource and method ({@code CampaignResource_queue} → {@code campaignQueue}), unique
 *   across the document;</li>
 *   <li>what a method answering a JAX-RS {@code Response} returns, by the conventions the resources follow: a POST
 *   to a collection creates an item (201 with the item and its Location), a PUT answers the resource (200, or 201
 *   when it created it), a DELETE and any other such POST answer 204;</li>
 *   <li>CSV uploads as text.</li>
 * </ul>
 */
public class ProblemResponsesFilter implements OASFilter {

    private static final Map<String, String> COMMON = new LinkedHashMap<>();

    static {
        COMMON.put("400", "Invalid request: malformed JSON or CSV, wrong types, or fields that fail validation (listed in errors)");
        COMMON.put("401", "Missing or wrong bearer token");
        COMMON.put("404", "No such resource");
        COMMON.put("413", "Request body too large");
        COMMON.put("500", "Unexpected error; the detail holds an error id to quote");
    }

    private static final Map<String, String> PUBLIC_PAGES = Map.of(
            "404", "The link is not recognised (an HTML page)",
            "410", "The link has expired (an HTML page)");

    private static final String BEARER = "bearer";
    private static final String CSV = "text/csv";
    private static final String JSON = "application/json";
    private static final String HTML = "text/html";

    @Override
    public Operation filterOperation(Operation operation) {
        operation.setOperationId(operationId(operation.getOperationId()));
        if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null
                && operation.getRequestBody().getContent().hasMediaType(CSV)) {
            // the upload is text read as a stream, not an opaque file: clients send it as a string
            operation.getRequestBody().getContent().getMediaType(CSV).setSchema(OASFactory.createSchema()
                    .type(List.of(Schema.SchemaType.STRING)).description("CSV, UTF-8, with a header line"));
        }
        return operation;
    }

    /** {@code CustomerResource_importCsv} → {@code customerImportCsv}; anything else is kept. */
    static String operationId(String classAndMethod) {
        if (classAndMethod == null || !classAndMethod.matches("[A-Z]\\w*Resource_\\w+")) {
            return classAndMethod;
        }
        String resource = classAndMethod.substring(0, classAndMethod.indexOf("Resource_"));
        String method = classAndMethod.substring(classAndMethod.indexOf('_') + 1);
        return Character.toLowerCase(resource.charAt(0)) + resource.substring(1)
                + Character.toUpperCase(method.charAt(0)) + method.substring(1);
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() != null) {
            Paths paths = openAPI.getPaths();
            paths.getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
                if (operation.getResponses() == null) {
                    operation.setResponses(OASFactory.createAPIResponses());
                }
                if (path.startsWith("/api/")) {
                    untypedAnswer(paths, path, method, operation.getResponses());
                    problemResponses(operation);
                    operation.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme(BEARER)));
                } else {
                    PUBLIC_PAGES.forEach((status, description) -> addIfAbsent(operation.getResponses(), status,
                            OASFactory.createAPIResponse().description(description).content(content(HTML, null))));
                    operation.setSecurity(List.of());
                }
            }));
        }
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Schema fieldError = OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.OBJECT))
                .addProperty("field", OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.STRING)))
                .addProperty("message", OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.STRING)));
        openAPI.getComponents().addSchema("Problem", OASFactory.createSchema()
                .description("RFC 9457 problem details")
                .type(java.util.List.of(Schema.SchemaType.OBJECT))
                .addProperty("type", OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.STRING)).example("about:blank"))
                .addProperty("title", OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.STRING)).example("Bad Request"))
                .addProperty("status", OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.INTEGER)).example(400))
                .addProperty("detail", OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.STRING)).example("email: must be a well-formed email address"))
                .addProperty("instance", OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.STRING)).example("/api/customers"))
                .addProperty("errors", OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.ARRAY)).items(fieldError)));
    }

    private static void problemResponses(Operation operation) {
        APIResponses responses = operation.getResponses();
        COMMON.forEach((status, description) -> addIfAbsent(responses, status, problem(description)));
        if (operation.getOperationId() != null && operation.getOperationId().toLowerCase().matches(".*(queue|pause|resume).*")) {
            addIfAbsent(responses, "409", problem("The campaign's status does not allow this move"));
        }
    }

    /** A method that answers a JAX-RS Response is scanned as an untyped 200 JSON answer: state what it answers. */
    private static void untypedAnswer(Paths paths, String path, PathItem.HttpMethod method, APIResponses responses) {
        APIResponse ok = responses.getAPIResponse("200");
        if (ok == null || ok.getContent() == null || !ok.getContent().hasMediaType(JSON)
                || ok.getContent().getMediaType(JSON).getSchema() != null) {
            return;
        }
        responses.removeAPIResponse("200");
        Schema item = method == PathItem.HttpMethod.POST ? answerOfGet(paths, path + "/{id}")
                : method == PathItem.HttpMethod.PUT ? answerOfGet(paths, path) : null;
        if (item == null) {
            responses.addAPIResponse("204", OASFactory.createAPIResponse().description("Done; no content"));
        } else if (method == PathItem.HttpMethod.POST) {
            responses.addAPIResponse("201", OASFactory.createAPIResponse().description("Created")
                    .addHeader("Location", OASFactory.createHeader().description("URL of the new resource")
                            .schema(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).format("uri")))
                    .content(content(JSON, item)));
        } else {
            responses.addAPIResponse("200", OASFactory.createAPIResponse().description("Updated").content(content(JSON, item)));
            responses.addAPIResponse("201", OASFactory.createAPIResponse().description("Created").content(content(JSON, item)));
        }
    }

    private static Schema answerOfGet(Paths paths, String path) {
        PathItem item = paths.getPathItem(path);
        if (item == null || item.getGET() == null || item.getGET().getResponses() == null) {
            return null;
        }
        APIResponse ok = item.getGET().getResponses().getAPIResponse("200");
        MediaType json = ok == null || ok.getContent() == null ? null : ok.getContent().getMediaType(JSON);
        Schema schema = json == null ? null : json.getSchema();
        return schema == null || schema.getRef() == null ? schema : OASFactory.createSchema().ref(schema.getRef());
    }

    private static APIResponse problem(String description) {
        return OASFactory.createAPIResponse().description(description)
                .content(content(Problem.MEDIA_TYPE, OASFactory.createSchema().ref("#/components/schemas/Problem")));
    }

    private static Content content(String mediaType, Schema schema) {
        MediaType media = OASFactory.createMediaType();
        if (schema != null) {
            media.setSchema(schema);
        }
        return OASFactory.createContent().addMediaType(mediaType, media);
    }

    private static void addIfAbsent(APIResponses responses, String status, APIResponse response) {
        if (!responses.hasAPIResponse(status)) {
            responses.addAPIResponse(status, response);
        }
    }
}
