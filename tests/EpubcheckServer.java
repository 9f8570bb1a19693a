// EPUBCheck for a whole test session in one JVM (conftest.epubcheck drives it).
//
// Starting EPUBCheck costs seconds (the JVM, then its schemas); checking one
// more EPUB in a JVM that has checked one costs a fraction of that. Each check
// is exactly what `java -jar epubcheck.jar EPUB --json REPORT` does: a new
// EpubChecker runs the same command line and writes the same JSON report.
//
// Run with Java 11+ single-file source launch, no build step:
//     java -cp epubcheck.jar tests/EpubcheckServer.java
// Requests on standard input, one a line: the EPUB's path, a tab, the report's path.
// Answer on standard output for each: a line "EXIT_CODE LENGTH", then LENGTH
// bytes (UTF-8) of what EPUBCheck printed on its standard output and error.

import com.adobe.epubcheck.tool.EpubChecker;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class EpubcheckServer {
    public static void main(String[] args) throws Exception {
        PrintStream answers = System.out;
        PrintStream errors = System.err;
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String request = requests.readLine(); request != null; request = requests.readLine()) {
            String[] paths = request.split("\t", 2);
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
            // EPUBCheck prints to System.out and System.err, which carry the answers otherwise.
            System.setOut(capture);
            System.setErr(capture);
            int code;
            try {
                code = new EpubChecker().run(new String[] {paths[0], "--json", paths[1]});
            } catch (RuntimeException | Error e) {
                e.printStackTrace(capture);
                code = 1;
            } finally {
                System.setOut(answers);
                System.setErr(errors);
            }
            byte[] text = printed.toByteArray();
            answers.print(code + " " + text.length + "\n");
            answers.write(text);
            answers.flush();
        }
    }
}
