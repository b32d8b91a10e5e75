package dev.whereabouts.runner.gateway;

/**
 * API Gateway's gateway response types, each with the status API Gateway gives it when the template
 * does not set one. The template's {@code GatewayResponses} are keyed by these names.
 */
public enum GatewayResponseType {
  ACCESS_DENIED(403),
  API_CONFIGURATION_ERROR(500),
  AUTHORIZER_CONFIGURATION_ERROR(500),
  AUTHORIZER_FAILURE(500),
  BAD_REQUEST_BODY(400),
  BAD_REQUEST_PARAMETERS(400),
  DEFAULT_4XX(400),
  DEFAULT_5XX(500),
  EXPIRED_TOKEN(403),
  INTEGRATION_FAILURE(504),
  INTEGRATION_TIMEOUT(504),
  INVALID_API_KEY(403),
  INVALID_SIGNATURE(403),
  MISSING_AUTHENTICATION_TOKEN(403),
  QUOTA_EXCEEDED(429),
  REQUEST_TOO_LARGE(413),
  RESOURCE_NOT_FOUND(404),
  THROTTLED(429),
  UNAUTHORIZED(401),
  UNSUPPORTED_MEDIA_TYPE(415),
  WAF_FILTERED(403);

  private final int defaultStatus;

  GatewayResponseType(int defaultStatus) {
    this.defaultStatus = defaultStatus;
  }

  /** The status of this type's answer unless the template or the caller sets another. */
  public int defaultStatus() {
    return defaultStatus;
  }

  /** The catch-all type of a status: {@code DEFAULT_5XX} or {@code DEFAULT_4XX}. */
  static GatewayResponseType defaultFor(int status) {
    return status >= 500 ? DEFAULT_5XX : DEFAULT_4XX;
  }
}
