using Microsoft.CodeAnalysis;

namespace Bounded.Analyzers.Queues;

/// <summary>The queue and parallelism types of the BND4xxx rules, resolved once per compilation. Any may be missing.</summary>
internal sealed class QueueTypes
{
    private QueueTypes(Compilation compilation)
    {
        Channel = compilation.GetTypeByMetadataName("System.Threading.Channels.Channel");
        GenericChannel = compilation.GetTypeByMetadataName("System.Threading.Channels.Channel`1");
        GenericChannel2 = compilation.GetTypeByMetadataName("System.Threading.Channels.Channel`2");
        ChannelWriter = compilation.GetTypeByMetadataName("System.Threading.Channels.ChannelWriter`1");
        UnboundedChannelOptions = compilation.GetTypeByMetadataName("System.Threading.Channels.UnboundedChannelOptions");
        BlockingCollection = compilation.GetTypeByMetadataName("System.Collections.Concurrent.BlockingCollection`1");
        DataflowBlockOptions = compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.DataflowBlockOptions");
        ExecutionDataflowBlockOptions = compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.ExecutionDataflowBlockOptions");
        DataflowBlock = compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.DataflowBlock");
        BufferBlock = compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.BufferBlock`1");
        ActionBlock = compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.ActionBlock`1");
        TransformBlock = compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.TransformBlock`2");
        TransformManyBlock = compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.TransformManyBlock`2");
        SourceBlock = compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.ISourceBlock`1");
        ParallelOptions = compilation.GetTypeByMetadataName("System.Threading.Tasks.ParallelOptions");
        Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
        ParallelEnumerable = compilation.GetTypeByMetadataName("System.Linq.ParallelEnumerable");
        Environment = compilation.GetTypeByMetadataName("System.Environment");
    }

    public INamedTypeSymbol? Channel { get; }
    public INamedTypeSymbol? GenericChannel { get; }
    public INamedTypeSymbol? GenericChannel2 { get; }
    public INamedTypeSymbol? ChannelWriter { get; }
    public INamedTypeSymbol? UnboundedChannelOptions { get; }
    public INamedTypeSymbol? BlockingCollection { get; }
    public INamedTypeSymbol? DataflowBlockOptions { get; }
    public INamedTypeSymbol? ExecutionDataflowBlockOptions { get; }
    public INamedTypeSymbol? DataflowBlock { get; }
    public INamedTypeSymbol? BufferBlock { get; }
    public INamedTypeSymbol? ActionBlock { get; }
    public INamedTypeSymbol? TransformBlock { get; }
    public INamedTypeSymbol? TransformManyBlock { get; }
    public INamedTypeSymbol? SourceBlock { get; }
    public INamedTypeSymbol? ParallelOptions { get; }
    public INamedTypeSymbol? Parallel { get; }
    public INamedTypeSymbol? ParallelEnumerable { get; }
    public INamedTypeSymbol? Environment { get; }

    public bool HasQueues => Channel is not null || BlockingCollection is not null || DataflowBlockOptions is not null;

    public static QueueTypes From(Compilation compilation) => new(compilation);

    /// <summary>A dataflow block whose input queue <c>BoundedCapacity</c> limits.</summary>
    public bool IsBoundableBlock(ITypeSymbol? type) =>
        type is not null
        && (type.IsType(BufferBlock) || type.IsType(ActionBlock) || type.IsType(TransformBlock) || type.IsType(TransformManyBlock));

    public bool IsChannelType(ITypeSymbol? type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (current.IsType(GenericChannel) || current.IsType(GenericChannel2))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsDataflowOptions(ITypeSymbol? type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (current.IsType(DataflowBlockOptions))
            {
                return true;
            }
        }

        return false;
    }
}
