// An example Java client of Hedui's VerificationService, built only from Debian's jars
// (client/java/README.md): mutual TLS through netty-tcnative's OpenSSL, one Verify call, and the
// standard error details (google.rpc.Status in grpc-status-details-bin) printed on a refusal.
package hedui.example;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import hedui.v1.Verification.VerificationRequest;
import hedui.v1.VerificationServiceGrpc;
import hedui.v1.VerificationServiceOuterClass.VerifyRequest;
import hedui.v1.VerificationServiceOuterClass.VerifyResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

public final class HeduiExample {
  // Exit codes: 0 a report, 1 the call failed (status printed), 2 bad usage or input, 3 TLS
  // could not be set up on this machine.
  static final int EXIT_OK = 0;
  static final int EXIT_RPC = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_TLS = 3;

  static final String USAGE =
      "usage: hedui-example --server HOST:PORT --ca CA.crt --cert CLIENT.crt --key CLIENT.key\n"
      + "                     [--request-id ID] [--timeout-seconds N] HOUSEHOLD.json\n"
      + "HOUSEHOLD.json is a hedui.v1.VerificationRequest in protobuf's JSON mapping.\n"
      + "--key is a PKCS#8 PEM key (BEGIN PRIVATE KEY), as deploy/dev-ca.sh writes.";

  private HeduiExample() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.println(USAGE);
      return EXIT_OK;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("hedui-example: " + e.getMessage());
      err.println(USAGE);
      return EXIT_USAGE;
    }

    VerificationRequest.Builder household = VerificationRequest.newBuilder();
    try {
      String json =
          new String(Files.readAllBytes(Paths.get(options.household)), StandardCharsets.UTF_8);
      // Unknown fields are refused so that a misspelt field is not silently dropped (an income
      // left out means "declared nothing", not zero).
      JsonFormat.parser().merge(json, household);
    } catch (IOException e) {
      err.println(
          "hedui-example: cannot read or parse " + options.household + ": " + e.getMessage());
      return EXIT_USAGE;
    }

    SslContext ssl;
    try {
      ssl = sslContext(options);
    } catch (IllegalStateException | IOException e) {
      err.println("hedui-example: TLS: " + e.getMessage());
      return EXIT_TLS;
    }

    ManagedChannel channel = NettyChannelBuilder.forTarget(options.server).sslContext(ssl).build();
    try {
      VerifyRequest.Builder request = VerifyRequest.newBuilder().setRequest(household);
      if (options.requestId != null) {
        // A retry with the same id returns the first call's report instead of a second one.
        request.setRequestId(options.requestId);
      }
      VerifyResponse response = VerificationServiceGrpc.newBlockingStub(channel)
                                    .withDeadlineAfter(options.timeoutSeconds, TimeUnit.SECONDS)
                                    .verify(request.build());
      out.println("verdict: " + response.getReport().getVerdict().name());
      out.println("report_id: " + response.getReport().getReportId());
      return EXIT_OK;
    } catch (StatusRuntimeException e) {
      printError(e, out);
      return EXIT_RPC;
    } finally {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // Netty 4.1.48 as packaged in Debian 12 cannot negotiate ALPN (which HTTP/2 over TLS needs)
  // with the JDK's own TLS, so the OpenSSL provider is required: netty-tcnative's Java classes
  // plus its JNI library from libnetty-tcnative-jni, under the name netty looks for (build.sh).
  static SslContext sslContext(Options options) throws IOException {
    if (!OpenSsl.isAvailable()) {
      Throwable cause = OpenSsl.unavailabilityCause();
      throw new IllegalStateException(
          "netty-tcnative's OpenSSL is not available. Run the hedui-example launcher that "
          + "build.sh writes, or give -Djava.library.path=DIR, DIR holding a copy of "
          + "Debian's libnetty-tcnative.so named libnetty_tcnative.so (client/java/README.md; "
          + "java.library.path is now " + System.getProperty("java.library.path")
          + "): " + (cause == null ? "unknown cause" : cause.toString()));
    }
    SslContextBuilder builder =
        GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.OPENSSL)
            .trustManager(new File(options.ca))
            .keyManager(new File(options.cert), new File(options.key));
    return builder.build();
  }

  // The call's code and message, then the standard details Hedui sends with every refusal.
  static void printError(StatusRuntimeException e, PrintStream out) {
    Status status = e.getStatus();
    out.println("status: " + status.getCode().name());
    if (status.getDescription() != null) {
      out.println("message: " + status.getDescription());
    }
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    if (details == null) {
      // Transport failures (UNAVAILABLE, DEADLINE_EXCEEDED on the client) come without details.
      out.println("details: none");
      return;
    }
    for (Any any : details.getDetailsList()) {
      try {
        printDetail(any, out);
      } catch (InvalidProtocolBufferException bad) {
        out.println("detail: " + any.getTypeUrl() + " (does not decode: " + bad.getMessage() + ")");
      }
    }
  }

  static final String ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo";

  static void printDetail(Any any, PrintStream out) throws InvalidProtocolBufferException {
    if (any.is(BadRequest.class)) {
      for (BadRequest.FieldViolation v : any.unpack(BadRequest.class).getFieldViolationsList()) {
        out.println("field_violation: " + v.getField() + ": " + v.getDescription());
      }
    } else if (any.is(PreconditionFailure.class)) {
      for (PreconditionFailure.Violation v :
          any.unpack(PreconditionFailure.class).getViolationsList()) {
        out.println("precondition_violation: " + v.getType() + " " + v.getSubject() + ": "
            + v.getDescription());
      }
    } else if (any.is(QuotaFailure.class)) {
      for (QuotaFailure.Violation v : any.unpack(QuotaFailure.class).getViolationsList()) {
        out.println("quota_violation: " + v.getSubject() + ": " + v.getDescription());
      }
    } else if (any.is(RetryInfo.class)) {
      com.google.protobuf.Duration d = any.unpack(RetryInfo.class).getRetryDelay();
      out.println("retry_delay_ms: " + (d.getSeconds() * 1000 + d.getNanos() / 1000000));
    } else if (ERROR_INFO_TYPE.equals(any.getTypeUrl())) {
      ErrorInfo info = ErrorInfo.parse(any.getValue().toByteArray());
      out.println("error_info: reason=" + info.reason + " domain=" + info.domain);
      for (Map.Entry<String, String> m : info.metadata) {
        out.println("error_info_metadata: " + m.getKey() + "=" + m.getValue());
      }
    } else {
      out.println("detail: " + any.getTypeUrl());
    }
  }

  // google.rpc.ErrorInfo by its field numbers (reason = 1, domain = 2, metadata = 3 as a map
  // of string to string): Debian's proto-google-common-protos 1.16.0 predates ErrorInfo, and
  // generating it here would put a second com.google.rpc.ErrorDetailsProto on the classpath.
  static final class ErrorInfo {
    String reason = "";
    String domain = "";
    final List<Map.Entry<String, String>> metadata = new ArrayList<>();

    static ErrorInfo parse(byte[] bytes) throws InvalidProtocolBufferException {
      UnknownFieldSet fields = UnknownFieldSet.parseFrom(bytes);
      ErrorInfo info = new ErrorInfo();
      info.reason = lastString(fields, 1);
      info.domain = lastString(fields, 2);
      if (fields.hasField(3)) {
        for (com.google.protobuf.ByteString entry : fields.getField(3).getLengthDelimitedList()) {
          UnknownFieldSet kv = UnknownFieldSet.parseFrom(entry);
          info.metadata.add(Map.entry(lastString(kv, 1), lastString(kv, 2)));
        }
      }
      return info;
    }

    private static String lastString(UnknownFieldSet fields, int number) {
      if (!fields.hasField(number)) {
        return "";
      }
      List<com.google.protobuf.ByteString> values =
          fields.getField(number).getLengthDelimitedList();
      return values.isEmpty() ? "" : values.get(values.size() - 1).toStringUtf8();
    }
  }

  static final class Options {
    String server;
    String ca;
    String cert;
    String key;
    String requestId;
    long timeoutSeconds = 60;
    String household;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (!a.startsWith("--")) {
          if (o.household != null) {
            throw new IllegalArgumentException("one household file, got " + a + " as well");
          }
          o.household = a;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        String value = args[++i];
        switch (a) {
          case "--server":
            o.server = value;
            break;
          case "--ca":
            o.ca = value;
            break;
          case "--cert":
            o.cert = value;
            break;
          case "--key":
            o.key = value;
            break;
          case "--request-id":
            o.requestId = value;
            break;
          case "--timeout-seconds":
            try {
              o.timeoutSeconds = Long.parseLong(value);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--timeout-seconds wants a number: " + value);
            }
            if (o.timeoutSeconds <= 0) {
              throw new IllegalArgumentException("--timeout-seconds must be positive");
            }
            break;
          default:
            throw new IllegalArgumentException("unknown flag " + a);
        }
      }
      if (o.server == null || o.ca == null || o.cert == null || o.key == null) {
        throw new IllegalArgumentException("--server, --ca, --cert and --key are required");
      }
      if (o.household == null) {
        throw new IllegalArgumentException("no household file");
      }
      return o;
    }
  }
}
