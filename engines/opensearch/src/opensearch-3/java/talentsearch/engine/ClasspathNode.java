package talentsearch.engine;

import java.util.Collection;
import java.util.List;

import org.opensearch.Version;
import org.opensearch.env.Environment;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.PluginInfo;

/**
 * OpenSearch 3.x: a node whose plugins are classes on the classpath.
 *
 * <p>Why a class per major version: Node's plugin-taking constructor is protected, and takes the
 * plugin classes in 2.x but their {@code PluginInfo} in 3.x, and the modules' plugin classes were
 * renamed in 3.x (described here as the test
 * framework's MockNode describes a classpath plugin). Everything else is in EngineNode.
 */
final class ClasspathNode extends Node {
    /** The modules a stock 3.x distribution loads that the product relies on. */
    static final List<String> MODULES = List.of(
        "org.opensearch.transport.Netty4ModulePlugin",
        "org.opensearch.analysis.common.CommonAnalysisModulePlugin",
        "org.opensearch.index.mapper.MapperExtrasModulePlugin",
        "org.opensearch.painless.PainlessModulePlugin",
        "org.opensearch.index.reindex.ReindexModulePlugin",
        "org.opensearch.join.ParentJoinModulePlugin");

    ClasspathNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        super(environment, plugins.stream().map(ClasspathNode::info).toList(), true);
    }

    private static PluginInfo info(Class<? extends Plugin> plugin) {
        return new PluginInfo(
            plugin.getName(),
            "classpath plugin",
            "NA",
            Version.CURRENT,
            Runtime.version().feature() + "",
            plugin.getName(),
            null,
            List.of(),
            false);
    }
}
