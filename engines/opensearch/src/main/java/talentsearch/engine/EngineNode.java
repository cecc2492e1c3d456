package talentsearch.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * One OpenSearch node per JVM, its modules and the k-NN plugin loaded from the classpath.
 *
 * <p>Why our own launcher: several nodes in one JVM share the k-NN plugin's static state, and
 * the stock bootstrap needs a distribution layout that Maven Central does not publish. Each
 * argument is one node setting, {@code key=value}, exactly as in opensearch.yml. A node that
 * fails to start prints why and exits non-zero; it never exits silently. The one part that
 * differs between OpenSearch 2.x and 3.x, {@code ClasspathNode}, lives in src/opensearch-2 and
 * src/opensearch-3 (the pom's version profile picks one).
 */
public final class EngineNode {

    /** The k-NN plugin, unpacked from its zip onto the classpath by the launcher's caller. */
    static final String KNN_PLUGIN = "org.opensearch.knn.plugin.KNNPlugin";

    /** The modules, k-NN, and plugins added with -Dengine.extra.plugins=a.B,c.D (on the classpath). */
    static List<Class<? extends Plugin>> pluginClasses() throws ClassNotFoundException {
        List<String> names = new ArrayList<>(ClasspathNode.MODULES);
        names.add(KNN_PLUGIN);
        for (String extra : System.getProperty("engine.extra.plugins", "").split(",")) {
            if (!extra.isBlank()) {
                names.add(extra.trim());
            }
        }
        List<Class<? extends Plugin>> classes = new ArrayList<>();
        for (String name : names) {
            classes.add(Class.forName(name).asSubclass(Plugin.class));
        }
        return classes;
    }

    private EngineNode() {}

    public static void main(String[] args) {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                System.err.println("engine: expected key=value, got '" + arg + "'");
                System.exit(2);
            }
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Settings settings = builder.build();
        String nodeName = settings.get("node.name", "node-0");
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            LogConfigurator.registerErrorListener();
            Environment environment =
                InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> nodeName);
            LogConfigurator.setNodeName(nodeName);
            LogConfigurator.configureWithoutConfig(environment.settings());
            Node node = new ClasspathNode(environment, pluginClasses());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    node.close();
                } catch (Exception e) {
                    e.printStackTrace();
                } finally {
                    stopped.countDown();
                }
            }, "engine-shutdown"));
            node.start();
            System.out.println("engine: node " + nodeName + " started");
        } catch (Throwable t) {
            System.err.println("engine: node " + nodeName + " failed to start: " + t);
            t.printStackTrace();
            System.exit(1);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
