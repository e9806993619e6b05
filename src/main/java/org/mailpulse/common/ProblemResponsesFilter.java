package org.mailpulse.common;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Documents the problem+json answers every /api operation can give (they come from the one mapping place, not
 * from each method), so the OpenAPI document lists them without repeating annotations on every endpoint. It also
 * states what {@code BearerTokenFilter} enforces: every /api operation requires the bearer scheme, the other
 * operations (the public unsubscribe link) explicitly none; and it names operations after their resource and
 * method ({@code CampaignResource_queue} → {@code campaignQueue}), unique across the document.
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

    private static final String BEARER = "bearer";
    private static final String CSV = "text/csv";

    @Override
    public Operation filterOperation(Operation operation) {
        operation.setOperationId(operationId(operation.getOperationId()));
        if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null
                && operation.getRequestBody().getContent().hasMediaType(CSV)) {
            // the upload is text read as a stream, not an opaque file: clients send it as a string
            operation.getRequestBody().getContent().getMediaType(CSV).setSchema(OASFactory.createSchema()
                    .type(List.of(Schema.SchemaType.STRING)).description("CSV, UTF-8, with a header line"));
        }
        APIResponses responses = operation.getResponses() == null ? OASFactory.createAPIResponses() : operation.getResponses();
        Schema problem = OASFactory.createSchema().ref("#/components/schemas/Problem");
        COMMON.forEach((status, description) -> {
            if (!responses.hasAPIResponse(status)) {
                responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description)
                        .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType().schema(problem))));
            }
        });
        if (operation.getOperationId() != null && operation.getOperationId().toLowerCase().matches(".*(queue|pause|resume).*")
                && !responses.hasAPIResponse("409")) {
            responses.addAPIResponse("409", OASFactory.createAPIResponse().description("The campaign's status does not allow this move")
                    .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType().schema(problem))));
        }
        operation.setResponses(responses);
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
    public void filterOpenAPI(org.eclipse.microprofile.openapi.models.OpenAPI openAPI) {
        if (openAPI.getPaths() != null) {
            openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().values().forEach(operation ->
                    operation.setSecurity(path.startsWith("/api/")
                            ? List.of(OASFactory.createSecurityRequirement().addScheme(BEARER))
                            : List.of())));
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
}
