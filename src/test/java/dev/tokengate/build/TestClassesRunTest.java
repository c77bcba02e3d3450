package dev.tokengate.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.springframework.util.AntPathMatcher;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * Every class under {@code src/test/java} that holds a test is one Surefire runs: its path matches one of the
 * {@code <includes>} in the pom. Three jqwik classes named {@code *Properties} once matched none of Surefire's default
 * names, and {@code ./mvnw verify} skipped them without a word.
 */
class TestClassesRunTest {

    static final Path TEST_SOURCES = Path.of("src/test/java");

    /** JUnit Jupiter's and jqwik's annotations that make a method a test. */
    static final Pattern TEST_ANNOTATION = Pattern.compile(
            "^\\s*@(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate|Property|Example)\\b",
            Pattern.MULTILINE);

    static final Pattern ABSTRACT_CLASS = Pattern.compile("^(public )?abstract class ", Pattern.MULTILINE);

    private final AntPathMatcher paths = new AntPathMatcher();

    @Test
    void everyClassWithATestMatchesSurefiresIncludes() throws Exception {
        List<String> includes = surefireIncludes();
        List<String> classes = testClasses();

        assertThat(classes).hasSizeGreaterThan(50);
        assertThat(classes)
                .as("test classes Surefire would not run, for %s", includes)
                .filteredOn(path -> !runs(path, includes))
                .isEmpty();
    }

    /** The check itself: a class named for what it holds, and nothing else, is caught. */
    @Test
    void aClassNamedOutsideTheIncludesIsCaught() throws Exception {
        List<String> includes = surefireIncludes();

        assertThat(runs("dev/tokengate/route/RouteIndexProperties.java", includes))
                .isTrue();
        assertThat(runs("dev/tokengate/route/RouteIndexTest.java", includes)).isTrue();
        assertThat(runs("dev/tokengate/route/RouteIndexChecks.java", includes)).isFalse();
        assertThat(runs("dev/tokengate/route/RouteIndexSpec.java", includes)).isFalse();
    }

    private boolean runs(String path, List<String> includes) {
        return includes.stream().anyMatch(include -> paths.match(include, path));
    }

    /** Paths relative to the test sources, of non-abstract classes with at least one test method. */
    private static List<String> testClasses() throws IOException {
        try (Stream<Path> files = Files.walk(TEST_SOURCES)) {
            return files.filter(file -> file.toString().endsWith(".java"))
                    .filter(TestClassesRunTest::holdsTests)
                    .map(file -> TEST_SOURCES.relativize(file).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        }
    }

    private static boolean holdsTests(Path file) {
        try {
            String source = Files.readString(file);
            return TEST_ANNOTATION.matcher(source).find()
                    && !ABSTRACT_CLASS.matcher(source).find();
        } catch (IOException e) {
            throw new IllegalStateException(file.toString(), e);
        }
    }

    private static List<String> surefireIncludes() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(Path.of("pom.xml").toFile());
        NodeList includes = (NodeList) XPathFactory.newInstance()
                .newXPath()
                .evaluate(
                        "/project/build/plugins/plugin[artifactId='maven-surefire-plugin']/configuration/includes/include",
                        pom,
                        XPathConstants.NODESET);
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < includes.getLength(); i++) {
            patterns.add(includes.item(i).getTextContent().trim());
        }
        assertThat(patterns).as("Surefire's includes in pom.xml").isNotEmpty();
        return patterns;
    }
}
