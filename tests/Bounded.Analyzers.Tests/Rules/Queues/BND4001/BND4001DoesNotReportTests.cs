using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Queues.BND4001Verify;
using static Bounded.Analyzers.Tests.Rules.Queues.QueuesSources;
using static Bounded.Analyzers.Tests.Rules.Queues.QueuesVerify;

namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>BND4001: look-alikes and options that must stay quiet.</summary>
public class BND4001DoesNotReportTests
{
    [Fact]
    public Task BoundedChannel() => Clean("""
            private readonly Channel<Job> _jobs = Channel.CreateBounded<Job>(new BoundedChannelOptions(100) { FullMode = BoundedChannelFullMode.Wait });
        """);

    [Fact]
    public Task BoundedChannelWithCapacityOnly() => Clean("""
            private readonly Channel<Job> _jobs = Channel.CreateBounded<Job>(256);
        """);

    [Fact]
    public Task BlockingCollectionWithCapacity() => Clean("""
            private readonly BlockingCollection<string> _paths = new BlockingCollection<string>(boundedCapacity: 100);
        """);

    [Fact]
    public Task BlockingCollectionOverAQueueWithCapacity() => Clean("""
            private readonly BlockingCollection<Job> _jobs = new(new ConcurrentQueue<Job>(), 64);
        """);

    [Fact]
    public Task ActionBlockWithCapacity() => Clean("""
            private readonly ActionBlock<Job> _worker = new ActionBlock<Job>(
                job => ProcessAsync(job),
                new ExecutionDataflowBlockOptions { BoundedCapacity = 100, MaxDegreeOfParallelism = 4 });
        """);

    [Fact]
    public Task OptionsLocalBoundedLater() => Clean("""
            public BufferBlock<Job> Build()
            {
                var options = new DataflowBlockOptions();
                options.BoundedCapacity = 64;
                return new BufferBlock<Job>(options);
            }
        """);

    [Fact]
    public Task OptionsFromAParameterAreNotJudged() => Clean("""
            public ActionBlock<Job> Build(ExecutionDataflowBlockOptions options) => new ActionBlock<Job>(job => Process(job), options);
        """);

    [Fact]
    public Task CapacityFromConfigurationIsNotJudged() => Clean("""
            public BufferBlock<Job> Build(int capacity) => new BufferBlock<Job>(new DataflowBlockOptions { BoundedCapacity = capacity });
        """);

    [Fact]
    public Task ConstantNumberOfWritesToALocalChannel() => Clean("""
            public async Task<List<string>> StagesAsync(CancellationToken cancellationToken)
            {
                var stages = Channel.CreateUnbounded<string>();
                stages.Writer.TryWrite("validate");
                stages.Writer.TryWrite("transform");
                await stages.Writer.WriteAsync("store", cancellationToken);
                stages.Writer.Complete();

                var result = new List<string>();
                await foreach (var stage in stages.Reader.ReadAllAsync(cancellationToken))
                {
                    result.Add(stage);
                }

                return result;
            }
        """);

    [Fact]
    public Task ConstantNumberOfWritesThroughAWriterLocal() => Clean("""
            public async Task<int> HandshakeAsync(CancellationToken cancellationToken)
            {
                var replies = Channel.CreateUnbounded<int>();
                var writer = replies.Writer;
                writer.TryWrite(1);
                await writer.WriteAsync(2, cancellationToken);
                writer.Complete();
                var sum = 0;
                await foreach (var reply in replies.Reader.ReadAllAsync(cancellationToken))
                {
                    sum += reply;
                }

                return sum;
            }
        """);

    [Fact]
    public Task ConstantNumberOfAddsToALocalBlockingCollection() => Clean("""
            public int Sum()
            {
                using var numbers = new BlockingCollection<int>();
                numbers.Add(1);
                numbers.Add(2);
                numbers.CompleteAdding();
                var sum = 0;
                foreach (var n in numbers.GetConsumingEnumerable())
                {
                    sum += n;
                }

                return sum;
            }
        """);

    [Fact]
    public Task SinglePostToALocalBufferBlock() => Clean("""
            public async Task<Job> RoundTripAsync(Job job)
            {
                var box = new BufferBlock<Job>();
                box.Post(job);
                return await box.ReceiveAsync();
            }
        """);

    [Fact]
    public Task TrailingJustificationComment() => Clean("""
            private readonly Channel<Job> _jobs = Channel.CreateUnbounded<Job>(); // bounded: at most one job per connected device (<= 50)
        """);

    [Fact]
    public Task JustificationCommentOnTheLineAbove() => Clean("""
            public void Start()
            {
                // Bounded: the HTTP handler rejects requests once 100 jobs are pending
                var queue = new BlockingCollection<Job>();
                Consume(queue);
            }

            private static void Consume(BlockingCollection<Job> queue) { }
        """);

    [Fact]
    public Task TestProjectOptedOutByProperty() => AnalyzeAsync<UnboundedQueueAnalyzer>(
        Wrap("""
            private readonly Channel<Job> _jobs = Channel.CreateUnbounded<Job>();
        """),
        globalConfig: "build_property.IsTestProject = true\nbuild_property.BoundedExcludeTestProjects = true\n",
        editorConfig: null);

    [Fact]
    public Task TestProjectOptedOutForThisRule() => AnalyzeAsync<UnboundedQueueAnalyzer>(
        Wrap("""
            private readonly BlockingCollection<Job> _jobs = new BlockingCollection<Job>();
        """),
        globalConfig: "build_property.IsTestProject = true\n",
        editorConfig: "bounded.bnd4001.exclude_test_projects = true\n");

    [Fact]
    public Task UnrelatedTypeNamedChannel() => Verify.AnalyzerAsync<UnboundedQueueAnalyzer>("""
        namespace Radio
        {
            public static class Channel { public static object CreateUnbounded<T>() => new object(); }
            public class Tuner { private readonly object _c = Channel.CreateUnbounded<int>(); }
        }
        """);

    [Fact]
    public Task ConcurrentQueueAndBroadcastBlockAreNotQueuesWeJudge() => Clean("""
            private readonly ConcurrentQueue<Job> _pending = new ConcurrentQueue<Job>();
            private readonly BroadcastBlock<Job> _latest = new BroadcastBlock<Job>(job => job);
        """);

    [Fact]
    public Task GeneratedCodeIsSkipped() => Verify.AnalyzerAsync<UnboundedQueueAnalyzer>("""
        // <auto-generated/>
        using System.Threading.Channels;

        public class Generated { private readonly Channel<int> _c = Channel.CreateUnbounded<int>(); }
        """);

    // ---- principle: a queue the program chose to leave unbounded, or one behind a TaskScheduler ----

    [Fact]
    public Task ConfiguredChoiceBetweenUnboundedAndBounded() => Clean("""
            private readonly Channel<Job> _jobs;

            public Pipeline(int? queueLimit) => _jobs = queueLimit is null
                ? Channel.CreateUnbounded<Job>()
                : Channel.CreateBounded<Job>(queueLimit.Value);
        """);

    [Fact]
    public Task ConfiguredChoiceWrittenAsIfElse() => Clean("""
            private readonly BlockingCollection<Job> _jobs;

            public Pipeline(int limit)
            {
                if (limit <= 0)
                {
                    _jobs = new BlockingCollection<Job>();
                }
                else
                {
                    _jobs = new BlockingCollection<Job>(limit);
                }
            }
        """);

    [Fact]
    public Task QueueHandedToATaskScheduler() => Clean("""
            private sealed class ChannelScheduler : TaskScheduler
            {
                private readonly Channel<Task> _tasks;
                public ChannelScheduler(Channel<Task> tasks) => _tasks = tasks;
                protected override void QueueTask(Task task) => _tasks.Writer.TryWrite(task);
                protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;
                protected override IEnumerable<Task> GetScheduledTasks() => Array.Empty<Task>();
            }

            private readonly TaskScheduler _scheduler = new ChannelScheduler(Channel.CreateUnbounded<Task>());
        """);

    [Fact]
    public Task QueueFieldOfATaskScheduler() => Clean("""
            private sealed class QueuedScheduler : TaskScheduler
            {
                private readonly BlockingCollection<Task> _queue = new BlockingCollection<Task>();
                protected override void QueueTask(Task task) => _queue.Add(task);
                protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;
                protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();
            }
        """);
}

