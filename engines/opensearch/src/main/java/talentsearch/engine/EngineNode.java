package talentsearch.engine;

import java.util.ArrayList;
import java.util.Collection;
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
 * One OpenSearch 2.19.1 node per JVM, its modules and the k-NN plugin loaded from the classpath.
 *
 * <p>Why our own launcher: several nodes in one JVM share the k-NN plugin's static state, and
 * the stock bootstrap needs a distribution layout that Maven Central does not publish. Each
 * argument is one node setting, {@code key=value}, exactly as in opensearch.yml. A node that
 * fails to start prints why and exits non-zero; it never exits silently.
 */
public final class EngineNode {

    /** The plugins a stock 2.19.1 distribution loads that the product relies on, plus k-NN. */
    static final List<String> PLUGINS = List.of(
        "org.opensearch.transport.Netty4Plugin",
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
        "org.opensearch.index.mapper.MapperExtrasPlugin",
        "org.opensearch.painless.PainlessPlugin",
        "org.opensearch.index.reindex.ReindexPlugin",
        "org.opensearch.join.ParentJoinPlugin",
        // Unpacked from the plugin's zip onto the classpath by the launcher's caller.
        "org.opensearch.knn.plugin.KNNPlugin");

    /** Plugins added with -Dengine.extra.plugins=a.B,c.D (their jars must be on the classpath). */
    static List<Class<? extends Plugin>> pluginClasses() throws ClassNotFoundException {
        List<String> names = new ArrayList<>(PLUGINS);
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

    /** Node's plugin-taking constructor is protected. */
    static final class ClasspathNode extends Node {
        ClasspathNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
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
