using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Bounded.Analyzers;

/// <summary>
/// Every type Bounded's analyzers and fixers look for, resolved once per compilation and shared by all of them
/// (<see cref="GetOrCreate"/>). Any of them may be missing: callers check for null and register nothing then.
/// This is the only place allowed to call <c>Compilation.GetTypeByMetadataName</c> (see BannedSymbols.txt).
/// The predicates over these types live in the other parts of this partial class, one file per family of types.
/// </summary>
internal sealed partial class KnownSymbols
{
    private static readonly ConditionalWeakTable<Compilation, KnownSymbols> Cache = new();

    private KnownSymbols(Compilation compilation)
    {
        // Tasks and threads
        Task = Resolve(compilation, "System.Threading.Tasks.Task");
        GenericTask = Resolve(compilation, "System.Threading.Tasks.Task`1");
        ValueTask = Resolve(compilation, "System.Threading.Tasks.ValueTask");
        GenericValueTask = Resolve(compilation, "System.Threading.Tasks.ValueTask`1");
        TaskFactory = Resolve(compilation, "System.Threading.Tasks.TaskFactory");
        GenericTaskFactory = Resolve(compilation, "System.Threading.Tasks.TaskFactory`1");
        TaskCreationOptions = Resolve(compilation, "System.Threading.Tasks.TaskCreationOptions");
        TaskScheduler = Resolve(compilation, "System.Threading.Tasks.TaskScheduler");
        Thread = Resolve(compilation, "System.Threading.Thread");
        ThreadPool = Resolve(compilation, "System.Threading.ThreadPool");
        Interlocked = Resolve(compilation, "System.Threading.Interlocked");
        Monitor = Resolve(compilation, "System.Threading.Monitor");
        Parallel = Resolve(compilation, "System.Threading.Tasks.Parallel");
        ParallelOptions = Resolve(compilation, "System.Threading.Tasks.ParallelOptions");
        ParallelEnumerable = Resolve(compilation, "System.Linq.ParallelEnumerable");
        Environment = Resolve(compilation, "System.Environment");
        EventArgs = Resolve(compilation, "System.EventArgs");
        TimeSpan = Resolve(compilation, "System.TimeSpan");
        DateTime = Resolve(compilation, "System.DateTime");
        DateTimeOffset = Resolve(compilation, "System.DateTimeOffset");
        Stopwatch = Resolve(compilation, "System.Diagnostics.Stopwatch");
        Enumerable = Resolve(compilation, "System.Linq.Enumerable");
        List = Resolve(compilation, "System.Collections.Generic.List`1");
        GenericEnumerable = Resolve(compilation, "System.Collections.Generic.IEnumerable`1");
        AsyncEnumerable = Resolve(compilation, "System.Collections.Generic.IAsyncEnumerable`1");
        PeriodicTimer = Resolve(compilation, "System.Threading.PeriodicTimer");

        // Limiters
        SemaphoreSlim = Resolve(compilation, "System.Threading.SemaphoreSlim");
        TaskCompletionSource = Resolve(compilation, "System.Threading.Tasks.TaskCompletionSource");
        GenericTaskCompletionSource = Resolve(compilation, "System.Threading.Tasks.TaskCompletionSource`1");
        EventWaitHandle = Resolve(compilation, "System.Threading.EventWaitHandle");
        ManualResetEventSlim = Resolve(compilation, "System.Threading.ManualResetEventSlim");
        RateLimiter = Resolve(compilation, "System.Threading.RateLimiting.RateLimiter");

        // Cancellation
        CancellationToken = Resolve(compilation, "System.Threading.CancellationToken");
        CancellationTokenSource = Resolve(compilation, "System.Threading.CancellationTokenSource");
        Exception = Resolve(compilation, "System.Exception");
        OperationCanceledException = Resolve(compilation, "System.OperationCanceledException");

        // Memory
        Stream = Resolve(compilation, "System.IO.Stream");
        GC = Resolve(compilation, "System.GC");
        ArrayPool = Resolve(compilation, "System.Buffers.ArrayPool`1");
        MemoryPool = Resolve(compilation, "System.Buffers.MemoryPool`1");
        Span = Resolve(compilation, "System.Span`1");
        ReadOnlySpan = Resolve(compilation, "System.ReadOnlySpan`1");
        Memory = Resolve(compilation, "System.Memory`1");
        ReadOnlyMemory = Resolve(compilation, "System.ReadOnlyMemory`1");
        ArraySegment = Resolve(compilation, "System.ArraySegment`1");
        MemoryExtensions = Resolve(compilation, "System.MemoryExtensions");
        BuffersExtensions = Resolve(compilation, "System.Buffers.BuffersExtensions");
        MemoryMarshal = Resolve(compilation, "System.Runtime.InteropServices.MemoryMarshal");
        BinaryPrimitives = Resolve(compilation, "System.Buffers.Binary.BinaryPrimitives");

        // Hosting: the tokens that live as long as a service or the application
        BackgroundService = Resolve(compilation, "Microsoft.Extensions.Hosting.BackgroundService");
        HostedService = Resolve(compilation, "Microsoft.Extensions.Hosting.IHostedService");
        TcpListener = Resolve(compilation, "System.Net.Sockets.TcpListener");
        Socket = Resolve(compilation, "System.Net.Sockets.Socket");
        HttpListener = Resolve(compilation, "System.Net.HttpListener");
        ServiceCollection = Resolve(compilation, "Microsoft.Extensions.DependencyInjection.IServiceCollection");
        GenericLogger = Resolve(compilation, "Microsoft.Extensions.Logging.ILogger`1");
        HostApplicationLifetime = Resolve(compilation, "Microsoft.Extensions.Hosting.IHostApplicationLifetime");
        ObsoleteApplicationLifetime = Resolve(compilation, "Microsoft.Extensions.Hosting.IApplicationLifetime");

        // Request handling: code the framework runs once per request, and the tokens that end with the request
        HttpContext = Resolve(compilation, "Microsoft.AspNetCore.Http.HttpContext");
        ControllerBase = Resolve(compilation, "Microsoft.AspNetCore.Mvc.ControllerBase");
        ControllerAttribute = Resolve(compilation, "Microsoft.AspNetCore.Mvc.ControllerAttribute");
        PageModel = Resolve(compilation, "Microsoft.AspNetCore.Mvc.RazorPages.PageModel");
        Hub = Resolve(compilation, "Microsoft.AspNetCore.SignalR.Hub");
        HubCallerContext = Resolve(compilation, "Microsoft.AspNetCore.SignalR.HubCallerContext");
        ServerCallContext = Resolve(compilation, "Grpc.Core.ServerCallContext");
        EndpointRouteBuilder = Resolve(compilation, "Microsoft.AspNetCore.Routing.IEndpointRouteBuilder");

        // Queues
        Channel = Resolve(compilation, "System.Threading.Channels.Channel");
        GenericChannel = Resolve(compilation, "System.Threading.Channels.Channel`1");
        GenericChannel2 = Resolve(compilation, "System.Threading.Channels.Channel`2");
        ChannelWriter = Resolve(compilation, "System.Threading.Channels.ChannelWriter`1");
        UnboundedChannelOptions = Resolve(compilation, "System.Threading.Channels.UnboundedChannelOptions");
        BlockingCollection = Resolve(compilation, "System.Collections.Concurrent.BlockingCollection`1");
        DataflowBlockOptions = Resolve(compilation, "System.Threading.Tasks.Dataflow.DataflowBlockOptions");
        ExecutionDataflowBlockOptions = Resolve(compilation, "System.Threading.Tasks.Dataflow.ExecutionDataflowBlockOptions");
        DataflowBlock = Resolve(compilation, "System.Threading.Tasks.Dataflow.DataflowBlock");
        BufferBlock = Resolve(compilation, "System.Threading.Tasks.Dataflow.BufferBlock`1");
        ActionBlock = Resolve(compilation, "System.Threading.Tasks.Dataflow.ActionBlock`1");
        TransformBlock = Resolve(compilation, "System.Threading.Tasks.Dataflow.TransformBlock`2");
        TransformManyBlock = Resolve(compilation, "System.Threading.Tasks.Dataflow.TransformManyBlock`2");
        SourceBlock = Resolve(compilation, "System.Threading.Tasks.Dataflow.ISourceBlock`1");
        DataflowLinkOptions = Resolve(compilation, "System.Threading.Tasks.Dataflow.DataflowLinkOptions");
    }

    /// <summary>The symbols of <paramref name="compilation"/>, resolved on first use and then shared.</summary>
    public static KnownSymbols GetOrCreate(Compilation compilation) => Cache.GetValue(compilation, static c => new KnownSymbols(c));

#pragma warning disable RS0030 // the one sanctioned lookup
    private static INamedTypeSymbol? Resolve(Compilation compilation, string metadataName) => compilation.GetTypeByMetadataName(metadataName);
#pragma warning restore RS0030

    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? GenericTask { get; }
    public INamedTypeSymbol? ValueTask { get; }
    public INamedTypeSymbol? GenericValueTask { get; }
    public INamedTypeSymbol? TaskFactory { get; }
    public INamedTypeSymbol? GenericTaskFactory { get; }
    public INamedTypeSymbol? TaskCreationOptions { get; }
    public INamedTypeSymbol? TaskScheduler { get; }
    public INamedTypeSymbol? Thread { get; }
    public INamedTypeSymbol? ThreadPool { get; }
    public INamedTypeSymbol? Interlocked { get; }
    public INamedTypeSymbol? Monitor { get; }
    public INamedTypeSymbol? Parallel { get; }
    public INamedTypeSymbol? ParallelOptions { get; }
    public INamedTypeSymbol? ParallelEnumerable { get; }
    public INamedTypeSymbol? Environment { get; }
    public INamedTypeSymbol? EventArgs { get; }
    public INamedTypeSymbol? TimeSpan { get; }
    public INamedTypeSymbol? DateTime { get; }
    public INamedTypeSymbol? DateTimeOffset { get; }
    public INamedTypeSymbol? Stopwatch { get; }
    public INamedTypeSymbol? Enumerable { get; }
    public INamedTypeSymbol? List { get; }
    public INamedTypeSymbol? GenericEnumerable { get; }
    public INamedTypeSymbol? AsyncEnumerable { get; }

    /// <summary>A tick of it is time passing, not an item received.</summary>
    public INamedTypeSymbol? PeriodicTimer { get; }
    public INamedTypeSymbol? SemaphoreSlim { get; }

    // Completion signals: setting one wakes a waiter; it is not work (see CompletionSignals).
    public INamedTypeSymbol? TaskCompletionSource { get; }

    public INamedTypeSymbol? GenericTaskCompletionSource { get; }

    public INamedTypeSymbol? EventWaitHandle { get; }

    public INamedTypeSymbol? ManualResetEventSlim { get; }
    public INamedTypeSymbol? RateLimiter { get; }
    public INamedTypeSymbol? CancellationToken { get; }
    public INamedTypeSymbol? CancellationTokenSource { get; }
    public INamedTypeSymbol? Exception { get; }
    public INamedTypeSymbol? OperationCanceledException { get; }
    public INamedTypeSymbol? Stream { get; }
    public INamedTypeSymbol? GC { get; }
    public INamedTypeSymbol? ArrayPool { get; }
    public INamedTypeSymbol? MemoryPool { get; }
    public INamedTypeSymbol? Span { get; }
    public INamedTypeSymbol? ReadOnlySpan { get; }
    public INamedTypeSymbol? Memory { get; }
    public INamedTypeSymbol? ReadOnlyMemory { get; }
    public INamedTypeSymbol? ArraySegment { get; }
    public INamedTypeSymbol? MemoryExtensions { get; }
    public INamedTypeSymbol? BuffersExtensions { get; }
    public INamedTypeSymbol? MemoryMarshal { get; }
    public INamedTypeSymbol? BinaryPrimitives { get; }
    public INamedTypeSymbol? BackgroundService { get; }
    public INamedTypeSymbol? HostedService { get; }
    public INamedTypeSymbol? TcpListener { get; }
    public INamedTypeSymbol? Socket { get; }
    public INamedTypeSymbol? HttpListener { get; }
    public INamedTypeSymbol? ServiceCollection { get; }
    public INamedTypeSymbol? GenericLogger { get; }
    public INamedTypeSymbol? HostApplicationLifetime { get; }
    public INamedTypeSymbol? ObsoleteApplicationLifetime { get; }
    public INamedTypeSymbol? HttpContext { get; }
    public INamedTypeSymbol? ControllerBase { get; }
    public INamedTypeSymbol? ControllerAttribute { get; }
    public INamedTypeSymbol? PageModel { get; }
    public INamedTypeSymbol? Hub { get; }
    public INamedTypeSymbol? HubCallerContext { get; }
    public INamedTypeSymbol? ServerCallContext { get; }
    public INamedTypeSymbol? EndpointRouteBuilder { get; }
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
    public INamedTypeSymbol? DataflowLinkOptions { get; }

    /// <summary>Whether <paramref name="type"/> is <paramref name="baseType"/> or derives from it.</summary>
    public static bool InheritsFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType is null)
        {
            return false;
        }

        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }
}
