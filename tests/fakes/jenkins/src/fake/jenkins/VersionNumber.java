package fake.jenkins;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jenkins' hudson.util.VersionNumber, by its rules (org.jenkins-ci:version-number 1.14, the version core's
 * bom/pom.xml pins at jenkins-2.568.2; jenkinsci/lib-version-number src/main/java/hudson/util/VersionNumber.java, a
 * fork of Maven's ComparableVersion): '.' and '-' separate items, a change between digits and letters starts a new
 * item, numbers compare as numbers and are newer than any string, "-&lt;digit&gt;" after digits opens a sub-list,
 * known qualifiers order snapshot &lt; alpha &lt; beta &lt; milestone &lt; rc &lt; release &lt; sp, '*' is newer
 * than anything, and a timestamped snapshot reads as -SNAPSHOT. So {@code 2117.vc05a_0b_e6b_f4e} is
 * (2117, "vc", 5, "a_", 0, ...) and compares on its build number first.
 */
final class VersionNumber implements Comparable<VersionNumber> {
    private static final List<String> QUALIFIERS = List.of("snapshot", "alpha", "beta", "milestone", "rc", "", "sp");
    private static final String RELEASE_INDEX = String.valueOf(QUALIFIERS.indexOf(""));

    private static final Pattern SNAPSHOT = Pattern.compile("^.*((?:-\\d{8}\\.\\d{6}-\\d+)|-SNAPSHOT)( \\(.*\\))?$");

    private final String value;
    private final String snapshot;
    private final ListItem items = new ListItem();

    VersionNumber(String version) {
        this.value = version;
        Matcher m = SNAPSHOT.matcher(version);
        String text = version;
        if (m.matches()) {
            snapshot = m.group(1);
            text = version.substring(0, m.start(1)) + "-SNAPSHOT";
        } else {
            snapshot = null;
        }
        parse(text.toLowerCase(Locale.ENGLISH));
    }

    /** For tests: prints the sign of compare(a, b). */
    public static void main(String[] args) {
        System.out.println(Integer.signum(new VersionNumber(args[0]).compareTo(new VersionNumber(args[1]))));
    }

    boolean isOlderThan(VersionNumber other) {
        return compareTo(other) < 0;
    }

    boolean isOlderThan(String other) {
        return isOlderThan(new VersionNumber(other));
    }

    @Override
    public int compareTo(VersionNumber other) {
        int result = items.compareTo(other.items);
        if (result != 0 || snapshot == null && other.snapshot == null) {
            return result;
        }
        if (snapshot == null || other.snapshot == null) {
            return snapshot == null ? -1 : 1;
        }
        if (snapshot.equals("-SNAPSHOT") || other.snapshot.equals("-SNAPSHOT")) {
            return 0;
        }
        // -yyyyMMdd.HHmmss-N: the timestamp, then the build number.
        result = snapshot.substring(1, 16).compareTo(other.snapshot.substring(1, 16));
        return result != 0 ? result
                : Integer.compare(Integer.parseInt(snapshot.substring(17)), Integer.parseInt(other.snapshot.substring(17)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionNumber && compareTo((VersionNumber) o) == 0;
    }

    @Override
    public int hashCode() {
        return items.toString().hashCode();
    }

    @Override
    public String toString() {
        return value;
    }

    private void parse(String version) {
        ListItem list = items;
        Deque<ListItem> stack = new ArrayDeque<>();
        stack.push(list);
        boolean isDigit = false;
        int start = 0;
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (c == '.' || c == '-') {
                list.add(i == start ? new IntItem(BigInteger.ZERO) : item(isDigit, version.substring(start, i)));
                start = i + 1;
                if (c == '-' && isDigit) {
                    list.normalize();
                    if (i + 1 < version.length() && Character.isDigit(version.charAt(i + 1))) {
                        ListItem sub = new ListItem();
                        list.add(sub);
                        list = sub;
                        stack.push(sub);
                    }
                }
            } else if (c == '*') {
                list.add(new WildcardItem());
                start = i + 1;
            } else if (Character.isDigit(c)) {
                if (!isDigit && i > start) {
                    list.add(new StringItem(version.substring(start, i), true));
                    start = i;
                }
                isDigit = true;
            } else if (Character.isWhitespace(c)) {
                if (i > start) {
                    list.add(isDigit ? item(true, version.substring(start, i))
                            : new StringItem(version.substring(start, i), true));
                    start = i;
                }
                isDigit = false;
            } else {
                if (isDigit && i > start) {
                    list.add(item(true, version.substring(start, i)));
                    start = i;
                }
                isDigit = false;
            }
        }
        if (version.length() > start) {
            list.add(item(isDigit, version.substring(start)));
        }
        while (!stack.isEmpty()) {
            stack.pop().normalize();
        }
    }

    private static Item item(boolean isDigit, String text) {
        return isDigit ? new IntItem(new BigInteger(text)) : new StringItem(text, false);
    }

    private interface Item {
        int compareTo(Item other);

        boolean isNull();
    }

    private static final class IntItem implements Item {
        private final BigInteger value;

        IntItem(BigInteger value) {
            this.value = value;
        }

        @Override
        public int compareTo(Item other) {
            if (other == null) {
                return value.signum() == 0 ? 0 : 1;
            }
            if (other instanceof IntItem) {
                return value.compareTo(((IntItem) other).value);
            }
            return other instanceof WildcardItem ? 0 : 1;
        }

        @Override
        public boolean isNull() {
            return value.signum() == 0;
        }

        @Override
        public String toString() {
            return value.toString();
        }
    }

    private static final class StringItem implements Item {
        private final String value;

        StringItem(String text, boolean followedByDigit) {
            String v = text;
            if (followedByDigit && v.length() == 1) {
                v = v.equals("a") ? "alpha" : v.equals("b") ? "beta" : v.equals("m") ? "milestone" : v;
            }
            v = v.equals("ga") || v.equals("final") ? "" : v.equals("cr") || v.equals("ea") ? "rc" : v;
            this.value = v;
        }

        private static String comparable(String qualifier) {
            int i = QUALIFIERS.indexOf(qualifier);
            return i == -1 ? QUALIFIERS.size() + "-" + qualifier : String.valueOf(i);
        }

        @Override
        public int compareTo(Item other) {
            if (other == null) {
                return comparable(value).compareTo(RELEASE_INDEX);
            }
            if (other instanceof StringItem) {
                return comparable(value).compareTo(comparable(((StringItem) other).value));
            }
            return -1;
        }

        @Override
        public boolean isNull() {
            return comparable(value).compareTo(RELEASE_INDEX) == 0;
        }

        @Override
        public String toString() {
            return value;
        }
    }

    /** '*': newer than any item but a number (which it equals) and another '*'. */
    private static final class WildcardItem implements Item {
        @Override
        public int compareTo(Item other) {
            return other instanceof WildcardItem ? 0 : 1;
        }

        @Override
        public boolean isNull() {
            return false;
        }

        @Override
        public String toString() {
            return "*";
        }
    }

    private static final class ListItem implements Item {
        private final List<Item> items = new ArrayList<>();

        void add(Item item) {
            items.add(item);
        }

        void normalize() {
            while (!items.isEmpty() && items.get(items.size() - 1).isNull()) {
                items.remove(items.size() - 1);
            }
        }

        @Override
        public boolean isNull() {
            return items.isEmpty();
        }

        @Override
        public int compareTo(Item other) {
            if (other == null) {
                return items.isEmpty() ? 0 : items.get(0).compareTo(null);
            }
            if (other instanceof IntItem || other instanceof WildcardItem) {
                return -1;
            }
            if (other instanceof StringItem) {
                return 1;
            }
            List<Item> mine = items;
            List<Item> theirs = ((ListItem) other).items;
            for (int i = 0; i < Math.max(mine.size(), theirs.size()); i++) {
                Item l = i < mine.size() ? mine.get(i) : null;
                Item r = i < theirs.size() ? theirs.get(i) : null;
                int result = l == null ? (r == null ? 0 : -r.compareTo(null)) : l.compareTo(r);
                if (result != 0) {
                    return result;
                }
            }
            return 0;
        }

        @Override
        public String toString() {
            return items.toString();
        }
    }
}
