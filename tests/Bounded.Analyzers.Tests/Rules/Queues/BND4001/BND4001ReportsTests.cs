using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Queues.BND4001Verify;
using static Bounded.Analyzers.Tests.Rules.Queues.QueuesSources;
using static Bounded.Analyzers.Tests.Rules.Queues.QueuesVerify;

namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>BND4001: code that is reported.</summary>
public class BND4001ReportsTests
{
    [Fact]
    public Task ChannelFieldOfABackgroundWorker() => Reports("""
            private readonly Channel<Job> _jobs = {|#0:Channel.CreateUnbounded<Job>|}();

            public void Enqueue(Job job) => _jobs.Writer.TryWrite(job);

            public async Task RunAsync(CancellationToken cancellationToken)
            {
                await foreach (var job in _jobs.Reader.ReadAllAsync(cancellationToken))
                {
                    await ProcessAsync(job, cancellationToken);
                }
            }
        """, Channel);

    [Fact]
    public Task ChannelWithOptionsFedByALoop() => Reports("""
            public async Task ImportAsync(IEnumerable<Job> jobs, CancellationToken cancellationToken)
            {
                var channel = {|#0:Channel.CreateUnbounded<Job>|}(new UnboundedChannelOptions { SingleReader = true });
                var consumer = Task.Run(async () =>
                {
                    await foreach (var job in channel.Reader.ReadAllAsync(cancellationToken))
                    {
                        await ProcessAsync(job, cancellationToken);
                    }
                });

                foreach (var job in jobs)
                {
                    await channel.Writer.WriteAsync(job, cancellationToken);
                }

                channel.Writer.Complete();
                await consumer;
            }
        """, Channel);

    [Fact]
    public Task ChannelFedLineByLineFromAStream() => Reports("""
            public async Task<int> CountLinesAsync(Stream stream)
            {
                var lines = {|#0:Channel.CreateUnbounded<string>|}();
                using var reader = new StreamReader(stream);
                string? line;
                while ((line = await reader.ReadLineAsync()) is not null)
                {
                    lines.Writer.TryWrite(line);
                }

                lines.Writer.Complete();
                var count = 0;
                await foreach (var _ in lines.Reader.ReadAllAsync())
                {
                    count++;
                }

                return count;
            }
        """, Channel);

    [Fact]
    public Task ChannelReturnedFromAFactory() => Reports("""
            public static Channel<Job> CreateQueue() => {|#0:Channel.CreateUnbounded<Job>|}();
        """, Channel);

    [Fact]
    public Task ChannelWhoseWriterEscapes() => Reports("""
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                var channel = {|#0:Channel.CreateUnbounded<Job>|}();
                StartProducer(channel.Writer);
                await foreach (var job in channel.Reader.ReadAllAsync(cancellationToken))
                {
                    Process(job);
                }
            }

            private static void StartProducer(ChannelWriter<Job> writer) { }
        """, Channel);

    [Fact]
    public Task ChannelWrittenFromACallback() => Reports("""
            public Task RunAsync(CancellationToken cancellationToken)
            {
                var channel = {|#0:Channel.CreateUnbounded<Job>|}();
                using var timer = new Timer(_ => channel.Writer.TryWrite(new Job(1, "tick")), null, 0, 10);
                return channel.Reader.Completion;
            }
        """, Channel);

    [Fact]
    public Task ChannelPropertyInitializer() => Reports("""
            public Channel<string> Events { get; } = {|#0:Channel.CreateUnbounded<string>|}();
        """, Channel);

    [Fact]
    public Task ChannelAssignedInConstructor() => Reports("""
            private readonly Channel<Job> _queue;

            public Pipeline()
            {
                _queue = {|#0:Channel.CreateUnbounded<Job>|}(new UnboundedChannelOptions { SingleWriter = false, SingleReader = true });
            }
        """, Channel);

    [Fact]
    public Task BlockingCollectionFieldFedByAProducerThread() => Reports("""
            private readonly BlockingCollection<string> _paths = new {|#0:BlockingCollection<string>|}();

            public void Scan(string root)
            {
                foreach (var path in Directory.EnumerateFiles(root))
                {
                    _paths.Add(path);
                }

                _paths.CompleteAdding();
            }
        """, "BlockingCollection<T>");

    [Fact]
    public Task BlockingCollectionOverAConcurrentQueue() => Reports("""
            private readonly BlockingCollection<Job> _jobs = new {|#0:BlockingCollection<Job>|}(new ConcurrentQueue<Job>());
        """, "BlockingCollection<T>");

    [Fact]
    public Task ActionBlockWithoutOptionsPostedPerUrl() => Reports("""
            public async Task DownloadAllAsync(IEnumerable<string> urls)
            {
                var download = new {|#0:ActionBlock<string>|}(async url => await _http.GetStringAsync(url));
                foreach (var url in urls)
                {
                    download.Post(url);
                }

                download.Complete();
                await download.Completion;
            }
        """, "ActionBlock<T>");

    [Fact]
    public Task ActionBlockWithParallelismButNoCapacity() => Reports("""
            private readonly ActionBlock<Job> _worker = new {|#0:ActionBlock<Job>|}(
                job => ProcessAsync(job),
                new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 4 });
        """, "ActionBlock<T>");

    [Fact]
    public Task BufferBlockWithExplicitlyUnboundedCapacity() => Reports("""
            private readonly BufferBlock<Job> _inbox = new {|#0:BufferBlock<Job>|}(new DataflowBlockOptions { BoundedCapacity = DataflowBlockOptions.Unbounded });
        """, "BufferBlock<T>");

    [Fact]
    public Task TransformBlockLinkedIntoAPipeline() => Reports("""
            public ITargetBlock<string> Build(ITargetBlock<string> sink)
            {
                var resize = new {|#0:TransformBlock<string, string>|}(path => Resize(path));
                resize.LinkTo(sink, new DataflowLinkOptions { PropagateCompletion = true });
                return resize;
            }
        """, "TransformBlock<TInput, TOutput>");

    [Fact]
    public Task TransformManyBlockWithOptionsLocalWithoutCapacity() => Reports("""
            public TransformManyBlock<string, string> Build()
            {
                var options = new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 2 };
                return new {|#0:TransformManyBlock<string, string>|}(path => File.ReadLines(path), options);
            }
        """, "TransformManyBlock<TInput, TOutput>");

    [Fact]
    public Task MarkerWithoutAReasonDoesNotCount() => Reports("""
            private readonly Channel<Job> _jobs = {|#0:Channel.CreateUnbounded<Job>|}(); // bounded:
        """, Channel);

    [Fact]
    public Task TestProjectThatDidNotOptOut() => AnalyzeAsync<UnboundedQueueAnalyzer>(
        Wrap("""
            private readonly Channel<Job> _jobs = {|#0:Channel.CreateUnbounded<Job>|}();
        """),
        globalConfig: "build_property.IsTestProject = true\n",
        editorConfig: null,
        Diagnostic(0, Channel));

    [Fact]
    public Task WriterLocalWrittenInALoop() => Reports("""
            public async Task PumpAsync(IAsyncEnumerable<Job> source)
            {
                var jobs = {|#0:Channel.CreateUnbounded<Job>|}();
                var writer = jobs.Writer;
                var consumer = Task.Run(async () =>
                {
                    await foreach (var job in jobs.Reader.ReadAllAsync())
                    {
                        Process(job);
                    }
                });
                await foreach (var job in source)
                {
                    writer.TryWrite(job);
                }

                writer.Complete();
                await consumer;
            }
        """, Channel);

    [Fact]
    public Task LocalQueueReassignedInALoop() => Reports("""
            public void Drain(IEnumerable<Job> jobs)
            {
                BlockingCollection<Job> queue = new {|#0:BlockingCollection<Job>|}();
                foreach (var job in jobs)
                {
                    queue.Add(job);
                }
            }
        """, "BlockingCollection<T>");

    [Fact]
    public Task HalfTypedCodeDoesNotThrow() => NoCrashOnBrokenCodeAsync<UnboundedQueueAnalyzer>(Wrap("""
            private readonly Channel<Job> _a = {|#0:Channel.CreateUnbounded<>|}();
            private readonly BlockingCollection<Job> _b = new {|#1:BlockingCollection<Job>|}(;
            private readonly ActionBlock<Job> _c = new ActionBlock<Job>(Missing, new ExecutionDataflowBlockOptions { BoundedCapacity = });
            public void M() { var d = new BufferBlock<Job>(new Unknown()); d.Post(; }
        """), Diagnostic(0, Channel), Diagnostic(1, "BlockingCollection<T>"));

    // Both branches unbounded is no configured choice.
    [Fact]
    public Task ChoiceBetweenTwoUnboundedChannels() => Verify.AnalyzerAsync<UnboundedQueueAnalyzer>(QueuesSources.Wrap("""
            private readonly Channel<Job> _jobs;

            public Pipeline(bool singleReader) => _jobs = singleReader
                ? {|#0:Channel.CreateUnbounded<Job>|}(new UnboundedChannelOptions { SingleReader = true })
                : {|#1:Channel.CreateUnbounded<Job>|}();
        """), Diagnostic(0, "Channel.CreateUnbounded"), Diagnostic(1, "Channel.CreateUnbounded"));
}

