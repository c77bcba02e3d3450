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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shell blocks of the README and the benchmark README are valid bash ({@code bash -n}), and every link to a
 * section points at a heading that exists: an operator pastes these, and follows these.
 */
class ReadmeShellBlocksTest {

    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");
    private static final Pattern EXPLICIT_ANCHOR = Pattern.compile("<a id=\"([^\"]+)\"");
    private static final Pattern SECTION_LINK = Pattern.compile("\\]\\(((?:\\.\\./)?(?:README\\.md)?)#([^)\\s]+)\\)");

    @ParameterizedTest
    @ValueSource(strings = {"README.md", "bench/README.md"})
    void everyShellBlockIsValidBash(String file) throws Exception {
        List<ReadmeBlocks.Block> shell = ReadmeBlocks.of(Path.of(file)).shell();
        assertThat(shell).isNotEmpty();

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
    @ValueSource(strings = {"README.md", "bench/README.md"})
    void everySectionLinkPointsAtAHeading(String file) throws IOException {
        Path markdown = Path.of(file);
        Matcher link = SECTION_LINK.matcher(Files.readString(markdown));
        int links = 0;
        while (link.find()) {
            Path target = link.group(1).isEmpty()
                    ? markdown
                    : markdown.resolveSibling(link.group(1)).normalize();
            assertThat(anchors(target))
                    .as("%s links to %s#%s", file, target, link.group(2))
                    .contains(link.group(2));
            links++;
        }
        assertThat(links).isPositive();
    }

    /** GitHub's anchors: headings lowercased, punctuation dropped, spaces as hyphens; and explicit ids. */
    private static Set<String> anchors(Path markdown) throws IOException {
        String text = Files.readString(markdown).replaceAll("(?s)```.*?```", "");
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
