package fake.jenkins;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The few AWS Query API calls the EC2 Fleet plugin makes, signed with SigV4 in plain Java (no AWS SDK: Maven Central
 * is not reachable on the test bed). Credentials come from the environment as the SDK's default chain reads them
 * first (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); no instance profile, no ~/.aws files.
 *
 * <p>Endpoint: the cloud's {@code endpoint} when set, as the plugin (AutoScalingGroupFleet.java:151-160 at
 * ec2-fleet 4.3.0.549.vf2a_da_a_d19b_5e). Where the plugin would call the regional endpoint
 * ({@code https://autoscaling.<region>.amazonaws.com}) the stand-in calls AWS_ENDPOINT_URL_AUTO_SCALING /
 * AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL instead (it only ever talks to the emulator); without any, AWS is
 * unreachable from here and {@link #endpoint} answers null.
 */
final class Aws {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An AWS error answer (or a transport failure, code "RequestFailed"), with the SDK's message shape. */
    static final class AwsException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String code;

        AwsException(String code, String message) {
            super(message);
            this.code = code;
        }

        String code() {
            return code;
        }
    }

    Aws(Map<String, String> env) {
        this.env = env;
    }

    /** service: "autoscaling" or "ec2"; null when no endpoint reaches AWS from here. */
    String endpoint(String service, String cloudEndpoint) {
        if (cloudEndpoint != null && !cloudEndpoint.isBlank()) {
            return cloudEndpoint;
        }
        String specific = env.get(service.equals("ec2") ? "AWS_ENDPOINT_URL_EC2" : "AWS_ENDPOINT_URL_AUTO_SCALING");
        if (specific != null && !specific.isBlank()) {
            return specific;
        }
        String global = env.get("AWS_ENDPOINT_URL");
        return global == null || global.isBlank() ? null : global;
    }

    String region(String cloudRegion) {
        if (cloudRegion != null && !cloudRegion.isBlank()) {
            return cloudRegion;
        }
        String region = env.get("AWS_REGION");
        return region != null && !region.isBlank() ? region : env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1");
    }

    /** One Query API call: POST form, SigV4; the parsed XML answer, or AwsException with AWS' code and message. */
    Document call(String service, String endpoint, String region, Map<String, String> params) throws AwsException {
        String access = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (access == null || access.isEmpty() || secret == null || secret.isEmpty()) {
            // The SDK's DefaultCredentialsProvider fails the same way when no provider in its chain has credentials.
            throw new AwsException("SdkClientException", "Unable to load credentials from any of the providers in the"
                    + " chain AwsCredentialsProviderChain (the stand-in reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)");
        }
        Map<String, String> form = new TreeMap<>(params);
        form.put("Version", service.equals("ec2") ? "2016-11-15" : "2011-01-01");
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> e : form.entrySet()) {
            body.append(body.length() == 0 ? "" : "&").append(encode(e.getKey())).append('=').append(encode(e.getValue()));
        }
        byte[] payload = body.toString().getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(endpoint);
        String host = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
        String date = stamp.substring(0, 8);
        String token = env.get("AWS_SESSION_TOKEN");
        String contentType = "application/x-www-form-urlencoded; charset=utf-8";

        TreeMap<String, String> headers = new TreeMap<>();
        headers.put("content-type", contentType);
        headers.put("host", host);
        headers.put("x-amz-date", stamp);
        if (token != null && !token.isEmpty()) {
            headers.put("x-amz-security-token", token);
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            canonicalHeaders.append(h.getKey()).append(':').append(h.getValue().trim()).append('\n');
        }
        String signedHeaders = String.join(";", headers.keySet());
        String canonical = "POST\n" + path + "\n\n" + canonicalHeaders + "\n" + signedHeaders + "\n" + hex(sha256(payload));
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + stamp + "\n" + scope + "\n"
                + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = hex(hmac(key, toSign));

        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType)
                .header("X-Amz-Date", stamp)
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + access + "/" + scope
                        + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        if (token != null && !token.isEmpty()) {
            request.header("X-Amz-Security-Token", token);
        }
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AwsException("RequestFailed", "Unable to execute HTTP request: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AwsException("RequestFailed", "interrupted");
        }
        Document doc = parse(answer.body());
        if (answer.statusCode() / 100 != 2) {
            String code = doc == null ? null : text(doc.getDocumentElement(), "Code");
            String message = doc == null ? null : text(doc.getDocumentElement(), "Message");
            // The SDK's AwsServiceException message: "<message> (Service: ..., Status Code: N, Request ID: ...)".
            throw new AwsException(code == null ? "HTTP" + answer.statusCode() : code,
                    (message == null ? "" : message) + " (Service: " + (service.equals("ec2") ? "Ec2" : "AutoScaling")
                            + ", Status Code: " + answer.statusCode() + ")");
        }
        if (doc == null) {
            throw new AwsException("RequestFailed", "unparseable answer from " + endpoint);
        }
        return doc;
    }

    private static Document parse(byte[] body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            return null;
        }
    }

    /** Direct children of parent named tag (namespace prefixes ignored). */
    static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        NodeList list = parent.getChildNodes();
        for (int i = 0; i < list.getLength(); i++) {
            Node n = list.item(i);
            if (n instanceof Element && localName(n).equals(tag)) {
                out.add((Element) n);
            }
        }
        return out;
    }

    /** The first descendant named tag, depth-first; null when absent. */
    static Element find(Element parent, String tag) {
        if (parent == null) {
            return null;
        }
        NodeList list = parent.getChildNodes();
        for (int i = 0; i < list.getLength(); i++) {
            Node n = list.item(i);
            if (n instanceof Element) {
                if (localName(n).equals(tag)) {
                    return (Element) n;
                }
                Element deeper = find((Element) n, tag);
                if (deeper != null) {
                    return deeper;
                }
            }
        }
        return null;
    }

    static String text(Element parent, String tag) {
        Element e = find(parent, tag);
        return e == null ? null : e.getTextContent().trim();
    }

    /** The text of a direct child; null when absent. */
    static String childText(Element parent, String tag) {
        List<Element> found = children(parent, tag);
        return found.isEmpty() ? null : found.get(0).getTextContent().trim();
    }

    private static String localName(Node n) {
        String name = n.getNodeName();
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(colon + 1);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] data) {
        return HexFormat.of().formatHex(data);
    }
}
