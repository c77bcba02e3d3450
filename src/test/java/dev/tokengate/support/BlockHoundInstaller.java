package dev.tokengate.support;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;
import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound, with every {@code BlockHoundIntegration} on the class path, before the first test runs.
 * Not blockhound-junit-platform's listener: that one installs when it is loaded, and Surefire also loads the
 * listeners in Maven's own JVM to list the test classes it hands to its two forks, where BlockHound cannot install.
 */
public class BlockHoundInstaller implements TestExecutionListener {

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        BlockHound.install();
    }
}
