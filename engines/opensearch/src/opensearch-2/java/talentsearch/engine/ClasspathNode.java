package talentsearch.engine;

import java.util.Collection;
import java.util.List;

import org.opensearch.env.Environment;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * OpenSearch 2.x: a node whose plugins are classes on the classpath.
 *
 * <p>Why a class per major version: Node's plugin-taking constructor is protected, and takes the
 * plugin classes in 2.x but their {@code PluginInfo} in 3.x, and the modules' plugin classes were
 * renamed in 3.x. Everything else is in EngineNode.
 */
final class ClasspathNode extends Node {
    /** The modules a stock 2.x distribution loads that the product relies on. */
    static final List<String> MODULES = List.of(
        "org.opensearch.transport.Netty4Plugin",
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
        "org.opensearch.index.mapper.MapperExtrasPlugin",
        "org.opensearch.painless.PainlessPlugin",
        "org.opensearch.index.reindex.ReindexPlugin",
        "org.opensearch.join.ParentJoinPlugin");

    ClasspathNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        super(environment, plugins, true);
    }
}
