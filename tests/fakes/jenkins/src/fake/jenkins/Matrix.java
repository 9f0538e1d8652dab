package fake.jenkins;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Overall permissions of matrix-auth's {@code globalMatrix} (matrix-auth 3.2.8, src/main/java/hudson/security/
 * GlobalMatrixAuthorizationStrategy.java and AuthorizationMatrixProperty's SidACL walk): a logged-in user's sids are
 * its id (the local realm compares ids ignoring case) and the {@code authenticated} group; an anonymous request's is
 * the user {@code anonymous}. A permission is held when granted or implied: Overall/Administer implies Overall/Read and
 * Overall/Manage (core jenkins/model/Jenkins.java, MANAGE and READ impliedBy chains). Entries are the current form
 * ({@code user}/{@code group}/{@code userOrGroup}: {name, permissions}) or the legacy {@code permissions}
 * ("USER:Overall/Read:alice", "GROUP:…", or the ambiguous "Overall/Read:alice").
 */
final class Matrix {
    private Matrix() {
    }

    static boolean allows(Map<String, Object> matrix, String user, String permission) {
        Object entries = matrix.get("entries");
        if (entries instanceof List) {
            for (Object entry : (List<?>) entries) {
                if (!(entry instanceof Map)) {
                    continue;
                }
                for (Map.Entry<String, Object> e : Casc.castMap(entry).entrySet()) {
                    if (!(e.getValue() instanceof Map)) {
                        continue;
                    }
                    Map<String, Object> grant = Casc.castMap(e.getValue());
                    Object perms = grant.get("permissions");
                    if (perms instanceof List && matches(e.getKey(), String.valueOf(grant.get("name")), user)
                            && grants((List<?>) perms, permission)) {
                        return true;
                    }
                }
            }
        }
        Object legacy = matrix.get("permissions");
        if (legacy instanceof List) {
            for (Object line : (List<?>) legacy) {
                String[] parts = String.valueOf(line).split(":", 3);
                String kind = parts.length == 3 ? parts[0].toLowerCase(Locale.ROOT) : "userOrGroup";
                String perm = parts.length == 3 ? parts[1] : parts[0];
                String name = parts[parts.length - 1];
                if (parts.length >= 2 && matches(kind, name, user) && grants(List.of(perm), permission)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matches(String kind, String name, String user) {
        boolean asUser = kind.equalsIgnoreCase("user") || kind.equalsIgnoreCase("userOrGroup");
        boolean asGroup = kind.equalsIgnoreCase("group") || kind.equalsIgnoreCase("userOrGroup");
        if (user == null) {
            return asUser && name.equals("anonymous");
        }
        return asUser && name.equalsIgnoreCase(user) || asGroup && name.equals("authenticated");
    }

    private static boolean grants(List<?> granted, String permission) {
        for (Object p : granted) {
            String held = String.valueOf(p);
            if (held.equals(permission) || held.equals("Overall/Administer")) {
                return true;
            }
        }
        return false;
    }
}
