package dev.tokengate.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The fenced code blocks of a Markdown file, with their language and whether a {@code <!-- session -->} marks them. */
record ReadmeBlocks(List<Block> blocks) {

    static final String SESSION_MARK = "<!-- session -->";

    record Block(String language, String text, int line, boolean session) {}

    static ReadmeBlocks of(Path markdown) throws IOException {
        List<String> lines = Files.readAllLines(markdown);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("```")) {
                continue;
            }
            String language = line.substring(3).strip();
            boolean session = i > 0 && lines.get(i - 1).strip().equals(SESSION_MARK);
            StringBuilder text = new StringBuilder();
            int start = i + 1;
            for (i = i + 1; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                text.append(stripIndent(lines.get(i), lines.get(start - 1))).append('\n');
            }
            blocks.add(new Block(language, text.toString(), start + 1, session));
        }
        return new ReadmeBlocks(blocks);
    }

    List<Block> shell() {
        return blocks.stream().filter(block -> block.language().equals("sh")).toList();
    }

    List<Block> session() {
        return blocks.stream().filter(Block::session).toList();
    }

    /** Blocks inside a list item are indented like their fence. */
    private static String stripIndent(String line, String fence) {
        int indent = fence.indexOf('`');
        return line.length() >= indent && line.substring(0, indent).isBlank() ? line.substring(indent) : line;
    }
}
