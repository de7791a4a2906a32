using System.Threading.Tasks;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Queues.BND4003Verify;

namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>BND4003: channels, queues and dataflow blocks whose reader waits for a completion that does not come.</summary>
public class BND4003ReportsTests
{
    [Fact]
    public Task ChannelNeverCompletedWhileAConsumerTaskReadsToTheEnd() => Reports("""
            public async Task<int> ImportAsync(IEnumerable<Job> jobs)
            {
                var channel = {|#0:Channel.CreateBounded<Job>(100)|};
                var consumer = Task.Run(async () =>
                {
                    var count = 0;
                    await foreach (var job in channel.Reader.ReadAllAsync())
                    {
                        await ProcessAsync(job);
                        count++;
                    }

                    return count;
                });

                foreach (var job in jobs)
                {
                    await channel.Writer.WriteAsync(job);
                }

                return await consumer;
            }
        """, At(0).WithArguments("channel", "is never completed, so the await foreach over ReadAllAsync() waits forever", Advice));

    [Fact]
    public Task ConsumerIsAPrivateMethodThatTakesTheReader() => Reports("""
            public async Task ImportAsync(IReadOnlyList<Job> jobs)
            {
                var channel = {|#0:Channel.CreateUnbounded<Job>()|};
                var consumer = ConsumeAsync(channel.Reader);
                foreach (var job in jobs)
                {
                    channel.Writer.TryWrite(job);
                }

                await consumer;
            }

            private static async Task ConsumeAsync(ChannelReader<Job> reader)
            {
                await foreach (var job in reader.ReadAllAsync())
                {
                    await ProcessAsync(job);
                }
            }
        """);

    [Fact]
    public Task WaitToReadLoopConsumer() => Reports("""
            public async Task CopyAsync(IAsyncEnumerable<Job> source)
            {
                var channel = {|#0:Channel.CreateBounded<Job>(16)|};
                var reader = channel.Reader;
                var consumer = Task.Run(async () =>
                {
                    while (await reader.WaitToReadAsync())
                    {
                        while (reader.TryRead(out var job))
                        {
                            Process(job);
                        }
                    }
                });

                await foreach (var job in source)
                {
                    await channel.Writer.WriteAsync(job);
                }

                await consumer;
            }
        """);

    [Fact]
    public Task BlockingCollectionWithoutCompleteAdding() => Reports("""
            public void Export(IEnumerable<Job> jobs)
            {
                var queue = {|#0:new BlockingCollection<Job>(boundedCapacity: 64)|};
                var writer = Task.Run(() =>
                {
                    foreach (var job in queue.GetConsumingEnumerable())
                    {
                        Process(job);
                    }
                });

                foreach (var job in jobs)
                {
                    queue.Add(job);
                }

                writer.Wait();
            }
        """);

    [Fact]
    public Task PipelineStageNeverCompletesItsOutput() => Reports("""
            public static ChannelReader<string> Resized(ChannelReader<string> input)
            {
                var output = {|#0:Channel.CreateBounded<string>(10)|};
                _ = Task.Run(async () =>
                {
                    await foreach (var path in input.ReadAllAsync())
                    {
                        await output.Writer.WriteAsync(Resize(path));
                    }
                });

                return output.Reader;
            }
        """);

    [Fact]
    public Task ProducerCompletesOnlyWhenNothingThrows() => Reports("""
            public async Task<int> SumAsync(IAsyncEnumerable<Job> source)
            {
                var channel = Channel.CreateBounded<Job>(32);
                var producer = Task.Run(async () =>
                {
                    await foreach (var job in source)
                    {
                        await channel.Writer.WriteAsync(job);
                    }

                    channel.Writer.{|#0:Complete|}();
                });

                var sum = 0;
                await foreach (var job in channel.Reader.ReadAllAsync())
                {
                    sum += job.Id;
                }

                await producer;
                return sum;
            }
        """, At(0).WithArguments("channel", "is completed only when nothing throws: when 'WriteAsync' throws, the await foreach over ReadAllAsync() waits forever", Advice));

    [Fact]
    public Task DelayThatCanBeCancelledSkipsTheCompletion() => Reports("""
            public async Task PaceAsync(List<Job> jobs, CancellationToken cancellationToken)
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
                    await Task.Delay(10, cancellationToken);
                }

                channel.Writer.{|#0:Complete|}();
                await consumer;
            }
        """, At(0).WithArguments("channel", "is completed only when nothing throws: when 'Delay' throws, the await foreach over ReadAllAsync() waits forever", Advice));

    [Fact]
    public Task CatchThatLogsAndReturnsSkipsTheCompletion() => Reports("""
            public async Task RunAsync(IEnumerable<Job> jobs, Action<Exception> log)
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
                    foreach (var job in jobs)
                    {
                        await channel.Writer.WriteAsync(job);
                    }
                }
                catch (Exception ex)
                {
                    log(ex);
                    return;
                }

                channel.Writer.{|#0:Complete|}();
                await consumer;
            }
        """);

    [Fact]
    public Task EarlyReturnInTheProducerSkipsTheCompletion() => Reports("""
            public async Task FeedAsync(Job[] jobs, int limit)
            {
                var channel = Channel.CreateUnbounded<Job>();
                var consumer = Task.Run(async () =>
                {
                    await foreach (var job in channel.Reader.ReadAllAsync())
                    {
                        await ProcessAsync(job);
                    }
                });

                for (var i = 0; i < jobs.Length; i++)
                {
                    if (i == limit)
                    {
                        return;
                    }

                    channel.Writer.TryWrite(jobs[i]);
                }

                channel.Writer.{|#0:Complete|}();
                await consumer;
            }
        """);

    [Fact]
    public Task CompleteAddingOnlyOnSuccess() => Reports("""
            public void Upload(IEnumerable<string> paths)
            {
                var queue = new BlockingCollection<string>();
                var uploader = Task.Run(() =>
                {
                    foreach (var path in queue.GetConsumingEnumerable())
                    {
                        Resize(path);
                    }
                });

                foreach (var path in paths)
                {
                    queue.Add(File.ReadAllText(path));
                }

                queue.{|#0:CompleteAdding|}();
                uploader.Wait();
            }
        """);

    [Fact]
    public Task ReadToTheEndBeforeCompleting() => Reports("""
            public async Task<List<Job>> BufferAsync(IEnumerable<Job> jobs)
            {
                var channel = Channel.CreateUnbounded<Job>();
                foreach (var job in jobs)
                {
                    channel.Writer.TryWrite(job);
                }

                var all = new List<Job>();
                await foreach (var job in {|#0:channel.Reader.ReadAllAsync()|})
                {
                    all.Add(job);
                }

                channel.Writer.Complete();
                return all;
            }
        """);

    [Fact]
    public Task DisposeAwaitsThePumpBeforeCompleting() => Reports("""
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
                {|#0:await _pump|};
                _jobs.Writer.Complete();
            }
        """);

    [Fact]
    public Task StopAwaitsTheConsumerStartedInTheConstructor() => Reports("""
            private readonly Channel<string> _lines = Channel.CreateBounded<string>(1000);
            private readonly Task _writerLoop;

            public Pipeline()
            {
                _writerLoop = WriteLinesAsync();
            }

            public ValueTask LogAsync(string line) => _lines.Writer.WriteAsync(line);

            private async Task WriteLinesAsync()
            {
                while (await _lines.Reader.WaitToReadAsync())
                {
                    while (_lines.Reader.TryRead(out var line))
                    {
                        await File.AppendAllTextAsync("log.txt", line);
                    }
                }
            }

            public async Task StopAsync()
            {
                {|#0:await _writerLoop.ConfigureAwait(false)|};
                _lines.Writer.TryComplete();
            }
        """);

    [Fact]
    public Task FieldChannelThatNothingCompletes() => Reports("""
            private readonly Channel<Job> _work = {|#0:Channel.CreateUnbounded<Job>()|};
            private Task? _loop;

            public void Start() => _loop = Task.Run(async () =>
            {
                await foreach (var job in _work.Reader.ReadAllAsync())
                {
                    await ProcessAsync(job);
                }
            });

            public bool Submit(Job job) => _work.Writer.TryWrite(job);

            public async Task ShutdownAsync()
            {
                if (_loop != null)
                {
                    await _loop;
                }
            }
        """);

    [Fact]
    public Task WriterAliasAndAwaitOfCompletion() => Reports("""
            public async Task DrainAsync(IEnumerable<Job> jobs)
            {
                var channel = {|#0:Channel.CreateUnbounded<Job>()|};
                var writer = channel.Writer;
                var reading = Task.Run(async () =>
                {
                    while (await channel.Reader.WaitToReadAsync())
                    {
                        channel.Reader.TryRead(out _);
                    }
                });
                foreach (var job in jobs)
                {
                    await writer.WriteAsync(job);
                }

                await channel.Reader.Completion;
                await reading;
            }
        """);

    [Fact]
    public Task LocalFunctionConsumer() => Reports("""
            public async Task IndexAsync(IEnumerable<string> paths)
            {
                var channel = {|#0:Channel.CreateBounded<string>(8)|};
                var indexing = IndexAll(channel.Reader);
                foreach (var path in paths)
                {
                    await channel.Writer.WriteAsync(path);
                }

                await indexing;

                static async Task IndexAll(ChannelReader<string> reader)
                {
                    await foreach (var path in reader.ReadAllAsync())
                    {
                        Resize(path);
                    }
                }
            }
        """);

    [Fact]
    public Task CompletionOnlyWhenSomethingWasWritten() => Reports("""
            public async Task ForwardAsync(IReadOnlyList<Job> jobs)
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
                }

                if (jobs.Count > 0)
                {
                    channel.Writer.{|#0:Complete|}();
                }

                await consumer;
            }
        """);

    [Fact]
    public Task DataflowLinkWithoutOptions() => Reports("""
            public async Task ResizeAllAsync(IEnumerable<string> paths)
            {
                var resize = new TransformBlock<string, string>(path => Resize(path));
                var save = new ActionBlock<string>(path => File.WriteAllText(path, ""));
                resize.{|#0:LinkTo|}(save);
                foreach (var path in paths)
                {
                    resize.Post(path);
                }

                resize.Complete();
                await save.Completion;
            }
        """, At(0).WithArguments("save", "is linked without PropagateCompletion and never completed, so awaiting its Completion never returns", "link it with new DataflowLinkOptions { PropagateCompletion = true }"));

    [Fact]
    public Task DataflowLinkWithOptionsThatDoNotPropagate() => Reports("""
            public async Task RunAsync(IEnumerable<Job> jobs)
            {
                var buffer = new BufferBlock<Job>();
                var worker = new ActionBlock<Job>(job => Process(job));
                buffer.{|#0:LinkTo|}(worker, new DataflowLinkOptions { MaxMessages = 1000 });
                foreach (var job in jobs)
                {
                    await buffer.SendAsync(job);
                }

                buffer.Complete();
                worker.Completion.Wait();
            }
        """);

    [Fact]
    public Task DataflowChainBrokenBeforeTheAwaitedBlock() => Reports("""
            public async Task ChainAsync(IEnumerable<string> paths)
            {
                var read = new TransformBlock<string, string>(path => File.ReadAllText(path));
                var resize = new TransformBlock<string, string>(text => Resize(text));
                var save = new ActionBlock<string>(text => { });
                read.{|#0:LinkTo|}(resize);
                resize.LinkTo(save, new DataflowLinkOptions { PropagateCompletion = true });
                foreach (var path in paths)
                {
                    read.Post(path);
                }

                read.Complete();
                await save.Completion;
            }
        """);

    [Fact]
    public Task BoundedChannelWhoseReaderStopsEarly() => Reports("""
            public async Task<Job?> FindAsync(IEnumerable<Job> jobs, int id)
            {
                var channel = Channel.CreateBounded<Job>(4);
                var producer = Task.Run(async () =>
                {
                    foreach (var job in jobs)
                    {
                        await channel.Writer.{|#0:WriteAsync|}(job);
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
    public Task BoundedBlockingCollectionWhoseConsumerBreaks() => Reports("""
            public int CountUntilEmpty(IEnumerable<Job> jobs)
            {
                var queue = new BlockingCollection<Job>(boundedCapacity: 10);
                var producer = Task.Run(() =>
                {
                    try
                    {
                        foreach (var job in jobs)
                        {
                            queue.{|#0:Add|}(job);
                        }
                    }
                    finally
                    {
                        queue.CompleteAdding();
                    }
                });

                var count = 0;
                foreach (var job in queue.GetConsumingEnumerable())
                {
                    if (job.Payload.Length == 0)
                    {
                        break;
                    }

                    count++;
                }

                return count;
            }
        """);

    [Fact]
    public Task NeverCompletedChannelWithConsumerTaskStoredInAField() => Reports("""
            private Task _consumer = Task.CompletedTask;

            public async Task PublishAllAsync(IEnumerable<Job> jobs)
            {
                var channel = {|#0:Channel.CreateUnbounded<Job>()|};
                _consumer = Task.Factory.StartNew(async () =>
                {
                    await foreach (var job in channel.Reader.ReadAllAsync())
                    {
                        await ProcessAsync(job);
                    }
                }).Unwrap();
                foreach (var job in jobs)
                {
                    await channel.Writer.WriteAsync(job);
                }

                await _consumer;
            }
        """);
}
