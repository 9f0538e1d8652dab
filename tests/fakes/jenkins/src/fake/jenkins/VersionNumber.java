package fake.jenkins;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Jenkins' hudson.util.VersionNumber (the org.jenkins-ci:version-number library, a fork of Maven's
 * ComparableVersion): '.' and '-' separate items, a change between digits and letters starts a new item, numbers
 * compare as numbers, a number is newer than any string, and "-&lt;digit&gt;" after digits opens a sub-list. So
 * {@code 2117.vc05a_0b_e6b_f4e} is (2117, "vc", 5, "a_", 0, …) and compares on its build number first.
 */
final class VersionNumber implements Comparable<VersionNumber> {
    private static final List<String> QUALIFIERS = List.of("snapshot", "alpha", "beta", "milestone", "rc", "", "sp");
    private static final String RELEASE_INDEX = String.valueOf(QUALIFIERS.indexOf(""));

    private final String value;
    private final ListItem items = new ListItem();

    VersionNumber(String version) {
        this.value = version;
        parse(version.toLowerCase(Locale.ENGLISH));
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
        return items.compareTo(other.items);
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
            } else if (Character.isDigit(c)) {
                if (!isDigit && i > start) {
                    list.add(new StringItem(version.substring(start, i), true));
                    start = i;
                }
                isDigit = true;
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
            return 1;
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
            v = v.equals("ga") || v.equals("final") ? "" : v.equals("cr") ? "rc" : v;
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

    private static final class ListItem implements Item {
        private final List<Item> items = new ArrayList<>();

        void add(Item item) {
            items.add(item);
        }

        void normalize() {
            for (int i = items.size() - 1; i >= 0; i--) {
                if (items.get(i).isNull()) {
                    items.remove(i);
                } else if (!(items.get(i) instanceof ListItem)) {
                    break;
                }
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
            if (other instanceof IntItem) {
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
