using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Queues.BND4003Verify;
using static Bounded.Analyzers.Tests.Rules.Queues.QueuesVerify;

namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>BND4003: look-alikes whose reader does not wait forever, or whose channel is owned elsewhere.</summary>
public class BND4003DoesNotReportTests
{
    [Fact]
    public Task CompletedInFinally() => Clean("""
            public async Task ImportAsync(IEnumerable<Job> jobs)
            {
                var channel = Channel.CreateBounded<Job>(100);
                var consumer = Task.Run(async () =>
                {
                    await foreach (var job in channel.Reader.ReadAllAsync())
                    {
                        await ProcessAsync(job);
                    }
                });

                try
                {
                    foreach (var job in jobs)
                    {
                        await channel.Writer.WriteAsync(job);
                    }
                }
                finally
                {
                    channel.Writer.Complete();
                }

                await consumer;
            }
        """);

    [Fact]
    public Task TryCompleteWithTheExceptionInCatchAndCompleteAfter() => Clean("""
            public async Task CopyAsync(IAsyncEnumerable<Job> source)
            {
                var channel = Channel.CreateUnbounded<Job>();
                var consumer = Task.Run(async () =>
                {
                    await foreach (var job in channel.Reader.ReadAllAsync())
                    {
                        await ProcessAsync(job);
                    }
                });

                try
                {
                    await foreach (var job in source)
                    {
                        await channel.Writer.WriteAsync(job);
                    }
                }
                catch (Exception ex)
                {
                    channel.Writer.TryComplete(ex);
                    throw;
                }

                channel.Writer.Complete();
                await consumer;
            }
        """);

    [Fact]
    public Task HostedQueueCompletedInStop() => Clean("""
            private readonly Channel<Job> _queue = Channel.CreateUnbounded<Job>();
            private Task _loop = Task.CompletedTask;

            public void Start() => _loop = Task.Run(async () =>
            {
                await foreach (var job in _queue.Reader.ReadAllAsync())
                {
                    await ProcessAsync(job);
                }
            });

            public ValueTask EnqueueAsync(Job job) => _queue.Writer.WriteAsync(job);

            public async Task StopAsync(CancellationToken cancellationToken)
            {
                await Task.Delay(10, cancellationToken);
                _queue.Writer.TryComplete();
                await _loop;
            }
        """);

    [Fact]
    public Task ReaderEndedByTheShutdownToken() => Clean("""
            private readonly Channel<Job> _queue = Channel.CreateUnbounded<Job>();

            public bool Enqueue(Job job) => _queue.Writer.TryWrite(job);

            public async Task RunAsync(CancellationToken stoppingToken)
            {
                await foreach (var job in _queue.Reader.ReadAllAsync(stoppingToken))
                {
                    await ProcessAsync(job, stoppingToken);
                }
            }
        """);

    [Fact]
    public Task ReaderReturnedWhileTheWriterIsKeptForTheCaller() => Clean("""
            private readonly List<ChannelWriter<Job>> _subscribers = new();

            public ChannelReader<Job> Subscribe()
            {
                var channel = Channel.CreateBounded<Job>(10);
                _subscribers.Add(channel.Writer);
                return channel.Reader;
            }
        """);

    [Fact]
    public Task LinkThatPropagatesCompletion() => Clean("""
            public async Task ResizeAllAsync(IEnumerable<string> paths)
            {
                var resize = new TransformBlock<string, string>(path => Resize(path));
                var save = new ActionBlock<string>(path => File.WriteAllText(path, ""));
                resize.LinkTo(save, new DataflowLinkOptions { PropagateCompletion = true });
                foreach (var path in paths)
                {
                    resize.Post(path);
                }

                resize.Complete();
                await save.Completion;
            }
        """);

    [Fact]
    public Task ReaderThatStopsCancelsTheWriter() => Clean("""
            public async Task<Job?> FindAsync(IEnumerable<Job> jobs, int id)
            {
                using var stop = new CancellationTokenSource();
                var channel = Channel.CreateBounded<Job>(4);
                var producer = Task.Run(async () =>
                {
                    try
                    {
                        foreach (var job in jobs)
                        {
                            await channel.Writer.WriteAsync(job, stop.Token);
                        }
                    }
                    finally
                    {
                        channel.Writer.TryComplete();
                    }
                });

                Job? found = null;
                await foreach (var job in channel.Reader.ReadAllAsync())
                {
                    if (job.Id == id)
                    {
                        found = job;
                        break;
                    }
                }

                stop.Cancel();
                try { await producer; } catch (OperationCanceledException) { }
                return found;
            }
        """);

    [Fact]
    public Task WriterHandedToOtherCode() => Clean("""
            public async Task ImportAsync(Func<ChannelWriter<Job>, Task> produce)
            {
                var channel = Channel.CreateUnbounded<Job>();
                var producing = produce(channel.Writer);
                await foreach (var job in channel.Reader.ReadAllAsync())
                {
                    await ProcessAsync(job);
                }

                await producing;
            }
        """);

    [Fact]
    public Task ChannelReceivedFromTheCaller() => Clean("""
            public async Task ConsumeAsync(Channel<Job> channel, IEnumerable<Job> jobs)
            {
                foreach (var job in jobs)
                {
                    await channel.Writer.WriteAsync(job);
                }

                await foreach (var job in channel.Reader.ReadAllAsync())
                {
                    await ProcessAsync(job);
                }
            }
        """);

    [Fact]
    public Task PublicFieldCanBeCompletedByOthers() => Clean("""
            public readonly Channel<Job> Queue = Channel.CreateUnbounded<Job>();

            public async Task RunAsync()
            {
                await foreach (var job in Queue.Reader.ReadAllAsync())
                {
                    await ProcessAsync(job);
                }
            }
        """);

    [Fact]
    public Task ReaderThatOnlyTriesToRead() => Clean("""
            public List<Job> Batch(IEnumerable<Job> jobs)
            {
                var channel = Channel.CreateUnbounded<Job>();
                foreach (var job in jobs)
                {
                    channel.Writer.TryWrite(job);
                }

                var batch = new List<Job>();
                while (channel.Reader.TryRead(out var job))
                {
                    batch.Add(job);
                }

                return batch;
            }
        """);

    [Fact]
    public Task ReaderThatReadsAKnownCount() => Clean("""
            public async Task<int> SumAsync(Job[] jobs)
            {
                var channel = Channel.CreateUnbounded<int>();
                _ = Task.Run(() =>
                {
                    foreach (var job in jobs)
                    {
                        channel.Writer.TryWrite(job.Id);
                    }
                });

                var sum = 0;
                for (var i = 0; i < jobs.Length; i++)
                {
                    sum += await channel.Reader.ReadAsync();
                }

                return sum;
            }
        """);

    [Fact]
    public Task CompletedBeforeReadingInTheSameMethod() => Clean("""
            public async Task<List<Job>> BufferAsync(IEnumerable<Job> jobs)
            {
                var channel = Channel.CreateUnbounded<Job>();
                foreach (var job in jobs)
                {
                    channel.Writer.TryWrite(job);
                }

                channel.Writer.Complete();
                var all = new List<Job>();
                await foreach (var job in channel.Reader.ReadAllAsync())
                {
                    all.Add(job);
                }

                return all;
            }
        """);

    [Fact]
    public Task CompleteAddingInFinally() => Clean("""
            public void Export(IEnumerable<Job> jobs)
            {
                using var queue = new BlockingCollection<Job>(boundedCapacity: 64);
                var writer = Task.Run(() =>
                {
                    foreach (var job in queue.GetConsumingEnumerable())
                    {
                        Process(job);
                    }
                });

                try
                {
                    foreach (var job in jobs)
                    {
                        queue.Add(job);
                    }
                }
                finally
                {
                    queue.CompleteAdding();
                }

                writer.Wait();
            }
        """);

    [Fact]
    public Task DataflowTargetCompletedExplicitly() => Clean("""
            public async Task RunAsync(IEnumerable<Job> jobs)
            {
                var buffer = new BufferBlock<Job>();
                var worker = new ActionBlock<Job>(job => Process(job));
                buffer.LinkTo(worker);
                foreach (var job in jobs)
                {
                    await buffer.SendAsync(job);
                }

                buffer.Complete();
                await buffer.Completion;
                worker.Complete();
                await worker.Completion;
            }
        """);

    [Fact]
    public Task DataflowOptionsBuiltElsewhere() => Clean("""
            private static readonly DataflowLinkOptions Link = new() { PropagateCompletion = true };

            public async Task RunAsync(IEnumerable<Job> jobs)
            {
                var buffer = new BufferBlock<Job>();
                var worker = new ActionBlock<Job>(job => Process(job));
                buffer.LinkTo(worker, Link);
                foreach (var job in jobs)
                {
                    buffer.Post(job);
                }

                buffer.Complete();
                await worker.Completion;
            }
        """);

    [Fact]
    public Task DataflowTargetCompletionNotAwaited() => Clean("""
            public void Wire(IEnumerable<Job> jobs)
            {
                var buffer = new BufferBlock<Job>();
                var worker = new ActionBlock<Job>(job => Process(job));
                buffer.LinkTo(worker);
                foreach (var job in jobs)
                {
                    buffer.Post(job);
                }
            }
        """);

    [Fact]
    public Task UnboundedChannelWhoseReaderStops() => Clean("""
            public async Task<Job?> FindAsync(IEnumerable<Job> jobs, int id)
            {
                var channel = Channel.CreateUnbounded<Job>();
                var producer = Task.Run(async () =>
                {
                    foreach (var job in jobs)
                    {
                        await channel.Writer.WriteAsync(job);
                    }

                    channel.Writer.Complete();
                });

                await foreach (var job in channel.Reader.ReadAllAsync())
                {
                    if (job.Id == id)
                    {
                        return job;
                    }
                }

                return null;
            }
        """);

    [Fact]
    public Task DropOldestChannelWhoseReaderStops() => Clean("""
            public async Task<Job?> LatestAsync(IEnumerable<Job> jobs)
            {
                var channel = Channel.CreateBounded<Job>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
                var producer = Task.Run(async () =>
                {
                    foreach (var job in jobs)
                    {
                        await channel.Writer.WriteAsync(job);
                    }

                    channel.Writer.Complete();
                });

                await foreach (var job in channel.Reader.ReadAllAsync())
                {
                    return job;
                }

                return null;
            }
        """);

    [Fact]
    public Task ProducerThatCannotThrowBeforeItsCompletion() => Clean("""
            public async Task ForwardAsync(List<Job> jobs)
            {
                var channel = Channel.CreateUnbounded<Job>();
                var consumer = Task.Run(async () =>
                {
                    await foreach (var job in channel.Reader.ReadAllAsync())
                    {
                        await ProcessAsync(job);
                    }
                });

                foreach (var job in jobs)
                {
                    channel.Writer.TryWrite(job);

                    // Pauses that end only by time cannot fail either.
                    await Task.Delay(TimeSpan.FromMilliseconds(10)).ConfigureAwait(false);
                    await Task.Delay(10, CancellationToken.None);
                    await Task.Yield();
                }

                channel.Writer.Complete();
                await consumer;
            }
        """);

    [Fact]
    public Task ProducerTaskCompletesInItsOwnFinally() => Clean("""
            public async Task<int> SumAsync(IAsyncEnumerable<Job> source)
            {
                var channel = Channel.CreateBounded<Job>(32);
                var producer = Task.Run(async () =>
                {
                    try
                    {
                        await foreach (var job in source)
                        {
                            await channel.Writer.WriteAsync(job);
                        }
                    }
                    finally
                    {
                        channel.Writer.TryComplete();
                    }
                });

                var sum = 0;
                await foreach (var job in channel.Reader.ReadAllAsync())
                {
                    sum += job.Id;
                }

                await producer;
                return sum;
            }
        """);

    [Fact]
    public Task ReaderThatStopsAtASentinel() => Clean("""
            public async Task RunAsync(IEnumerable<Job> jobs)
            {
                var channel = Channel.CreateUnbounded<Job>();
                var consumer = Task.Run(async () =>
                {
                    await foreach (var job in channel.Reader.ReadAllAsync())
                    {
                        if (job.Id < 0)
                        {
                            break;
                        }

                        await ProcessAsync(job);
                    }
                });

                foreach (var job in jobs)
                {
                    channel.Writer.TryWrite(job);
                }

                channel.Writer.TryWrite(new Job(-1, ""));
                await consumer;
            }
        """);

    [Fact]
    public Task DisposeCompletesBeforeAwaitingThePump() => Clean("""
            private readonly Channel<Job> _jobs = Channel.CreateUnbounded<Job>();
            private Task _pump = Task.CompletedTask;

            public void Start() => _pump = Task.Run(PumpAsync);

            public void Enqueue(Job job) => _jobs.Writer.TryWrite(job);

            private async Task PumpAsync()
            {
                await foreach (var job in _jobs.Reader.ReadAllAsync())
                {
                    await ProcessAsync(job);
                }
            }

            public async ValueTask DisposeAsync()
            {
                _jobs.Writer.Complete();
                await _pump;
            }
        """);

    [Fact]
    public Task ChannelFieldReplacedWithOneFromOutside() => Clean("""
            private Channel<Job> _jobs = Channel.CreateUnbounded<Job>();

            public void Use(Channel<Job> jobs) => _jobs = jobs;

            public async Task RunAsync()
            {
                await foreach (var job in _jobs.Reader.ReadAllAsync())
                {
                    await ProcessAsync(job);
                }
            }
        """);

    [Fact]
    public Task HalfTypedCodeDoesNotCrash() => NoCrashOnBrokenCodeAsync<UncompletedChannelAnalyzer>("""
        using System.Threading.Channels;
        using System.Threading.Tasks;
        class C
        {
            async Task M()
            {
                var channel = Channel.CreateUnbounded<int>();
                var t = Task.Run(async () => { await foreach (var x in channel.Reader.ReadAllAsync()) { } });
                channel.Writer.TryWrite(
                await t;
            }
        }
        """);
}
