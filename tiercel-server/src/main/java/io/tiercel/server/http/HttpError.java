package io.tiercel.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the API refuses, with the status to answer and the message of its JSON error. */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient HttpResponseStatus status;

  HttpError(HttpResponseStatus status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  HttpResponseStatus status() {
    return status;
  }

  static HttpError badRequest(String message) {
    return new HttpError(HttpResponseStatus.BAD_REQUEST, message);
  }

  static HttpError notFound(String message) {
    return new HttpError(HttpResponseStatus.NOT_FOUND, message);
  }
}
