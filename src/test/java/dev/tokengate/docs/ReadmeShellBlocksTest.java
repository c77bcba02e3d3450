package dev.tokengate.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shell blocks of the README, the benchmark README and every page under {@code docs/} are valid bash ({@code bash
 * -n}), and every relative link points at a file that exists and, with a {@code #}, at a heading of it: an operator
 * pastes these, and follows these.
 */
class ReadmeShellBlocksTest {

    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");
    private static final Pattern EXPLICIT_ANCHOR = Pattern.compile("<a id=\"([^\"]+)\"");
    /** A Markdown link's target, outside code blocks; {@code http(s):} and {@code mailto:} ones are not followed. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s#]*)(?:#([^)\\s]+))?\\)");

    /** The front page, the benchmark README and every page under docs/. */
    static Stream<String> documents() throws IOException {
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            List<String> pages = docs.map(Path::toString)
                    .filter(name -> name.endsWith(".md"))
                    .sorted()
                    .toList();
            assertThat(pages).hasSizeGreaterThan(5);
            return Stream.concat(Stream.of("README.md", "bench/README.md"), pages.stream());
        }
    }

    @ParameterizedTest
    @MethodSource("documents")
    void everyShellBlockIsValidBash(String file) throws Exception {
        List<ReadmeBlocks.Block> shell = ReadmeBlocks.of(Path.of(file)).shell();

        for (ReadmeBlocks.Block block : shell) {
            Process bash =
                    new ProcessBuilder("bash", "-n").redirectErrorStream(true).start();
            bash.getOutputStream().write(block.text().getBytes(StandardCharsets.UTF_8));
            bash.getOutputStream().close();
            assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String complaint = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bash.exitValue())
                    .as("%s line %d: %s", file, block.line(), complaint)
                    .isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("documents")
    void everyLinkPointsAtAFileAndAHeadingThatExist(String file) throws IOException {
        Path markdown = Path.of(file);
        Matcher link = LINK.matcher(withoutCodeBlocks(Files.readString(markdown)));
        int links = 0;
        while (link.find()) {
            String path = link.group(1);
            if (path.startsWith("http:") || path.startsWith("https:") || path.startsWith("mailto:")) {
                continue;
            }
            Path target =
                    path.isEmpty() ? markdown : markdown.resolveSibling(path).normalize();
            assertThat(target).as("%s links to %s", file, path).exists();
            if (link.group(2) != null) {
                assertThat(anchors(target))
                        .as("%s links to %s#%s", file, target, link.group(2))
                        .contains(link.group(2));
            }
            links++;
        }
        assertThat(links).isPositive();
    }

    /**
     * The page every other page links back to lists them all: a page added under docs/ and forgotten on the front
     * page is found by no one.
     */
    @Test
    void theFrontPageLinksToEveryPageUnderDocs() throws IOException {
        String front = Files.readString(Path.of("README.md"));
        documents()
                .filter(name -> name.startsWith("docs"))
                .forEach(page -> assertThat(front).as(page).contains("](" + page + ")"));
        assertThat(front.lines().count()).as("the front page's length").isLessThanOrEqualTo(450);
    }

    private static String withoutCodeBlocks(String markdown) {
        return markdown.replaceAll("(?s)```.*?```", "");
    }

    /** GitHub's anchors: headings lowercased, punctuation dropped, spaces as hyphens; and explicit ids. */
    private static Set<String> anchors(Path markdown) throws IOException {
        String text = withoutCodeBlocks(Files.readString(markdown));
        Set<String> anchors = HEADING.matcher(text)
                .results()
                .map(heading -> heading.group(1)
                        .strip()
                        .toLowerCase()
                        .replaceAll("[^a-z0-9 \\-]", "")
                        .replace(' ', '-'))
                .collect(Collectors.toSet());
        EXPLICIT_ANCHOR.matcher(text).results().forEach(anchor -> anchors.add(anchor.group(1)));
        return anchors;
    }
}
