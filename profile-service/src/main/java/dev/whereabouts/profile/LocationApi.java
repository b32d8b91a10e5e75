package dev.whereabouts.profile;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the location service is reached: a configured base URL, or the API that invoked this
 * function, derived from the request context.
 */
final class LocationApi {
  /** API Gateway's REST API ids: ten lower-case letters and digits ({@code local} locally). */
  private static final Pattern API_ID = Pattern.compile("^[a-z0-9]{1,32}$");

  private static final Pattern REGION = Pattern.compile("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$");
  private static final Pattern STAGE = Pattern.compile("^[A-Za-z0-9_-]{1,128}$");

  private LocationApi() {}

  /**
   * A base URL from the variable {@code name}: absolute http(s), no trailing slash.
   *
   * @throws IllegalStateException naming the variable, so init fails
   */
  static URI apiUrl(String name, String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || uri.getScheme() == null
        || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      throw new IllegalStateException(
          "Environment variable "
              + name
              + " must be an absolute http(s) URL such as"
              + " https://abc123.execute-api.eu-central-1.amazonaws.com/prod");
    }
    String text = uri.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return URI.create(text);
  }

  /**
   * The base URL of the API that invoked this function: {@code
   * https://<apiId>.execute-api.<region>.amazonaws.com/<stage>}, from the request context's API id
   * and stage and this function's own region. With an execute API endpoint configured (the local
   * runner), {@code <endpoint>/<stage>}. Behind a custom domain with a base path mapping, set
   * {@code LOCATION_API_URL} instead.
   *
   * <p>Why derive it: in CloudFormation the function cannot name the API that invokes it (the API
   * refers to the function, so the function referring to the API is a circular dependency). The
   * location routes are on the same API, so the request context says which API to call.
   *
   * <p>Why not from {@code Host}, {@code X-Forwarded-Proto} or the request context's {@code
   * domainName}: those repeat what the client sent, and a signed call sent where a client points it
   * hands the client a valid signature (SSRF). The API id and the stage are API Gateway's own.
   *
   * @return empty when the parts are missing or not of the form API Gateway uses
   */
  static Optional<URI> derivedApiUrl(
      String apiId, String stage, String region, Optional<URI> executeApiEndpoint) {
    if (apiId == null
        || stage == null
        || region == null
        || !API_ID.matcher(apiId).matches()
        || !STAGE.matcher(stage).matches()
        || !REGION.matcher(region).matches()) {
      return Optional.empty();
    }
    if (executeApiEndpoint.isPresent()) {
      return Optional.of(URI.create(executeApiEndpoint.get() + "/" + stage));
    }
    String domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return Optional.of(
        URI.create("https://" + apiId + ".execute-api." + region + "." + domain + "/" + stage));
  }
}
