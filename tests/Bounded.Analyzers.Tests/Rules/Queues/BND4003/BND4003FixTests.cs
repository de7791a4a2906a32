using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Bounded.CodeFixes.Queues;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Queues;

public class BND4003FixTests
{
    private const string Key = UncompletedChannelCodeFixProvider.CompleteKey;

    private static Task Fix(string source, string fixedSource) =>
        Verify.FixAsync<UncompletedChannelAnalyzer, UncompletedChannelCodeFixProvider>(source, fixedSource, Key);

    private static Task NoFix(string source) =>
        Verify.NoFixAsync<UncompletedChannelAnalyzer, UncompletedChannelCodeFixProvider>(source, Key);

    [Fact]
    public Task NeverCompletedWritesAreWrapped() => Fix("""
        using System.Collections.Generic;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Importer
        {
            public async Task<int> ImportAsync(IEnumerable<int> rows)
            {
                var channel = {|BND4003:Channel.CreateBounded<int>(100)|};
                var consumer = Task.Run(async () =>
                {
                    var sum = 0;
                    await foreach (var row in channel.Reader.ReadAllAsync())
                    {
                        sum += row;
                    }

                    return sum;
                });

                foreach (var row in rows)
                {
                    await channel.Writer.WriteAsync(row);
                }

                return await consumer;
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Importer
        {
            public async Task<int> ImportAsync(IEnumerable<int> rows)
            {
                var channel = Channel.CreateBounded<int>(100);
                var consumer = Task.Run(async () =>
                {
                    var sum = 0;
                    await foreach (var row in channel.Reader.ReadAllAsync())
                    {
                        sum += row;
                    }

                    return sum;
                });

                try
                {
                    foreach (var row in rows)
                    {
                        await channel.Writer.WriteAsync(row);
                    }
                }
                catch (Exception exception)
                {
                    channel.Writer.TryComplete(exception);
                    throw;
                }
                finally
                {
                    channel.Writer.TryComplete();
                }

                return await consumer;
            }
        }
        """);

    [Fact]
    public Task CompletionOnTheSuccessPathMovesIntoFinally() => Fix("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Summer
        {
            public async Task<int> SumAsync(IAsyncEnumerable<int> source)
            {
                var channel = Channel.CreateBounded<int>(32);
                var producer = Task.Run(async () =>
                {
                    await foreach (var value in source)
                    {
                        await channel.Writer.WriteAsync(value);
                    }

                    // nothing more to read
                    channel.Writer.{|BND4003:Complete|}();
                });

                var sum = 0;
                await foreach (var value in channel.Reader.ReadAllAsync())
                {
                    sum += value;
                }

                await producer;
                return sum;
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Summer
        {
            public async Task<int> SumAsync(IAsyncEnumerable<int> source)
            {
                var channel = Channel.CreateBounded<int>(32);
                var producer = Task.Run(async () =>
                {
                    try
                    {
                        await foreach (var value in source)
                        {
                            await channel.Writer.WriteAsync(value);
                        }
                    }
                    catch (Exception exception)
                    {
                        channel.Writer.TryComplete(exception);
                        throw;
                    }
                    finally
                    {
                        channel.Writer.TryComplete();
                    }
                });

                var sum = 0;
                await foreach (var value in channel.Reader.ReadAllAsync())
                {
                    sum += value;
                }

                await producer;
                return sum;
            }
        }
        """);

    [Fact]
    public Task CompleteAddingMovesIntoFinally() => Fix("""
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.IO;
        using System.Threading.Tasks;

        class Uploader
        {
            public void Upload(IEnumerable<string> paths)
            {
                var queue = new BlockingCollection<string>();
                var uploader = Task.Run(() =>
                {
                    foreach (var text in queue.GetConsumingEnumerable())
                    {
                        File.AppendAllText("out.txt", text);
                    }
                });

                foreach (var path in paths)
                {
                    queue.Add(File.ReadAllText(path));
                }

                queue.{|BND4003:CompleteAdding|}();
                uploader.Wait();
            }
        }
        """, """
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.IO;
        using System.Threading.Tasks;

        class Uploader
        {
            public void Upload(IEnumerable<string> paths)
            {
                var queue = new BlockingCollection<string>();
                var uploader = Task.Run(() =>
                {
                    foreach (var text in queue.GetConsumingEnumerable())
                    {
                        File.AppendAllText("out.txt", text);
                    }
                });

                try
                {
                    foreach (var path in paths)
                    {
                        queue.Add(File.ReadAllText(path));
                    }
                }
                finally
                {
                    queue.CompleteAdding();
                }

                uploader.Wait();
            }
        }
        """);

    [Fact]
    public Task DisposeCompletesBeforeAwaitingThePump() => Fix("""
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Mailer
        {
            private readonly Channel<string> _mails = Channel.CreateUnbounded<string>();
            private Task _pump = Task.CompletedTask;

            public void Start() => _pump = Task.Run(PumpAsync);

            public void Send(string mail) => _mails.Writer.TryWrite(mail);

            private async Task PumpAsync()
            {
                await foreach (var mail in _mails.Reader.ReadAllAsync())
                {
                    await Task.Delay(1);
                }
            }

            public async ValueTask DisposeAsync()
            {
                {|BND4003:await _pump|};
                _mails.Writer.Complete();
            }
        }
        """, """
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Mailer
        {
            private readonly Channel<string> _mails = Channel.CreateUnbounded<string>();
            private Task _pump = Task.CompletedTask;

            public void Start() => _pump = Task.Run(PumpAsync);

            public void Send(string mail) => _mails.Writer.TryWrite(mail);

            private async Task PumpAsync()
            {
                await foreach (var mail in _mails.Reader.ReadAllAsync())
                {
                    await Task.Delay(1);
                }
            }

            public async ValueTask DisposeAsync()
            {
                _mails.Writer.Complete();
                await _pump;
            }
        }
        """);

    [Fact]
    public Task ShutdownCompletesAFieldThatNothingCompleted() => Fix("""
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Worker
        {
            private readonly Channel<int> _work = {|BND4003:Channel.CreateUnbounded<int>()|};
            private Task? _loop;

            public void Start() => _loop = Task.Run(async () =>
            {
                await foreach (var item in _work.Reader.ReadAllAsync())
                {
                    await Task.Delay(item);
                }
            });

            public bool Submit(int item) => _work.Writer.TryWrite(item);

            public async Task ShutdownAsync()
            {
                if (_loop != null)
                {
                    await _loop;
                }
            }
        }
        """, """
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Worker
        {
            private readonly Channel<int> _work = Channel.CreateUnbounded<int>();
            private Task? _loop;

            public void Start() => _loop = Task.Run(async () =>
            {
                await foreach (var item in _work.Reader.ReadAllAsync())
                {
                    await Task.Delay(item);
                }
            });

            public bool Submit(int item) => _work.Writer.TryWrite(item);

            public async Task ShutdownAsync()
            {
                if (_loop != null)
                {
                    _work.Writer.TryComplete();
                    await _loop;
                }
            }
        }
        """);

    [Fact]
    public Task LinkGetsPropagateCompletion() => Fix("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        class Thumbnails
        {
            public async Task RunAsync(IEnumerable<string> paths)
            {
                var resize = new TransformBlock<string, string>(path => path.ToUpperInvariant());
                var save = new ActionBlock<string>(path => { });
                resize.{|BND4003:LinkTo|}(save);
                foreach (var path in paths)
                {
                    resize.Post(path);
                }

                resize.Complete();
                await save.Completion;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        class Thumbnails
        {
            public async Task RunAsync(IEnumerable<string> paths)
            {
                var resize = new TransformBlock<string, string>(path => path.ToUpperInvariant());
                var save = new ActionBlock<string>(path => { });
                resize.LinkTo(save, new DataflowLinkOptions { PropagateCompletion = true });
                foreach (var path in paths)
                {
                    resize.Post(path);
                }

                resize.Complete();
                await save.Completion;
            }
        }
        """);

    [Fact]
    public Task ExistingLinkOptionsGainPropagateCompletion() => Fix("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        class Jobs
        {
            public void Run(IEnumerable<int> jobs)
            {
                var buffer = new BufferBlock<int>();
                var worker = new ActionBlock<int>(job => { });
                buffer.{|BND4003:LinkTo|}(worker, new DataflowLinkOptions { MaxMessages = 1000 });
                foreach (var job in jobs)
                {
                    buffer.Post(job);
                }

                buffer.Complete();
                worker.Completion.Wait();
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        class Jobs
        {
            public void Run(IEnumerable<int> jobs)
            {
                var buffer = new BufferBlock<int>();
                var worker = new ActionBlock<int>(job => { });
                buffer.LinkTo(worker, new DataflowLinkOptions { MaxMessages = 1000, PropagateCompletion = true });
                foreach (var job in jobs)
                {
                    buffer.Post(job);
                }

                buffer.Complete();
                worker.Completion.Wait();
            }
        }
        """);

    [Fact]
    public Task FixAllCompletesEveryChannelOfTheFile() => Fix("""
        using System.Collections.Generic;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Copier
        {
            public async Task CopyAsync(IEnumerable<int> rows)
            {
                var first = {|BND4003:Channel.CreateUnbounded<int>()|};
                var second = {|BND4003:Channel.CreateUnbounded<int>()|};
                var firstReader = Task.Run(async () => { await foreach (var row in first.Reader.ReadAllAsync()) { } });
                var secondReader = Task.Run(async () => { await foreach (var row in second.Reader.ReadAllAsync()) { } });
                foreach (var row in rows)
                {
                    await first.Writer.WriteAsync(row);
                }

                foreach (var row in rows)
                {
                    await second.Writer.WriteAsync(row);
                }

                await Task.WhenAll(firstReader, secondReader);
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Copier
        {
            public async Task CopyAsync(IEnumerable<int> rows)
            {
                var first = Channel.CreateUnbounded<int>();
                var second = Channel.CreateUnbounded<int>();
                var firstReader = Task.Run(async () => { await foreach (var row in first.Reader.ReadAllAsync()) { } });
                var secondReader = Task.Run(async () => { await foreach (var row in second.Reader.ReadAllAsync()) { } });
                try
                {
                    foreach (var row in rows)
                    {
                        await first.Writer.WriteAsync(row);
                    }
                }
                catch (Exception exception)
                {
                    first.Writer.TryComplete(exception);
                    throw;
                }
                finally
                {
                    first.Writer.TryComplete();
                }

                try
                {
                    foreach (var row in rows)
                    {
                        await second.Writer.WriteAsync(row);
                    }
                }
                catch (Exception exception)
                {
                    second.Writer.TryComplete(exception);
                    throw;
                }
                finally
                {
                    second.Writer.TryComplete();
                }

                await Task.WhenAll(firstReader, secondReader);
            }
        }
        """);

    [Fact]
    public Task ReaderThatStopsFirstGetsNoFix() => NoFix("""
        using System.Collections.Generic;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Finder
        {
            public async Task<int> FindAsync(IEnumerable<int> ids, int wanted)
            {
                var channel = Channel.CreateBounded<int>(4);
                var producer = Task.Run(async () =>
                {
                    foreach (var id in ids)
                    {
                        await channel.Writer.{|BND4003:WriteAsync|}(id);
                    }

                    channel.Writer.Complete();
                });

                await foreach (var id in channel.Reader.ReadAllAsync())
                {
                    if (id == wanted)
                    {
                        return id;
                    }
                }

                return -1;
            }
        }
        """);
}
