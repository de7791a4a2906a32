using System.Threading.Tasks;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Memory.BND3004Verify;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>BND3004: look-alikes and options that must stay quiet.</summary>
public class BND3004DoesNotReportTests
{
    // A lambda's graph hangs below the containing function's regions (using, foreach, try): those finally blocks are not
    // run against the lambda's blocks, so the single Return in the lambda's finally is not seen twice.
    [Fact]
    public Task RentedAndReturnedInsideASelectLambdaUnderAUsing() => Check("""
            public List<string> HashAll(IEnumerable<string> paths)
            {
                using var log = new StringWriter();
                return paths.Select(path =>
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(4096);
                    try
                    {
                        using var file = File.OpenRead(path);
                        var read = file.Read(buffer, 0, 4096);
                        log.WriteLine(path);
                        return Convert.ToHexString(SHA256.HashData(buffer.AsSpan(0, read)));
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }).ToList();
            }
        """);

    [Fact]
    public Task RentedAndReturnedInsideATaskRunInAForeach() => Check("""
            public async Task SendAllAsync(IEnumerable<Message> messages, Stream stream, CancellationToken cancellationToken)
            {
                using var gate = new SemaphoreSlim(1);
                var tasks = new List<Task>();
                foreach (var message in messages)
                {
                    tasks.Add(Task.Run(async () =>
                    {
                        var buffer = ArrayPool<byte>.Shared.Rent(message.Body.Length);
                        try
                        {
                            message.Body.CopyTo(buffer, 0);
                            await stream.WriteAsync(buffer.AsMemory(0, message.Body.Length), cancellationToken);
                        }
                        finally
                        {
                            ArrayPool<byte>.Shared.Return(buffer);
                        }
                    }, cancellationToken));
                }

                await Task.WhenAll(tasks);
            }
        """);

    [Fact]
    public Task RentedAndReturnedInsideALocalFunctionInATry() => Check("""
            public async Task CopyAllAsync(IEnumerable<string> paths, Stream destination, CancellationToken cancellationToken)
            {
                try
                {
                    foreach (var path in paths)
                    {
                        await CopyAsync(path);
                    }
                }
                finally
                {
                    Log("copied");
                }

                async Task CopyAsync(string path)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(81920);
                    try
                    {
                        await using var source = File.OpenRead(path);
                        int read;
                        while ((read = await source.ReadAsync(buffer.AsMemory(0, 81920), cancellationToken)) > 0)
                        {
                            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
        """);

    [Fact]
    public Task UsedBeforeReturnInFinally() => Check("""
            public byte[] Hash(Stream stream, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    stream.ReadExactly(buffer, 0, size);
                    return SHA256.HashData(buffer.AsSpan(0, size));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task RentedAgainEveryIteration() => Check("""
            public void Handle(IEnumerable<Message> messages)
            {
                foreach (var message in messages)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(message.Body.Length);
                    try
                    {
                        message.Body.CopyTo(buffer, 0);
                        Process(buffer.AsSpan(0, message.Body.Length));
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
        """);

    [Fact]
    public Task ReassignedAfterReturnThenUsed() => Check("""
            public void Grow(Stream stream, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                buffer[0] = 1;
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(size * 2);
                try
                {
                    stream.ReadExactly(buffer, 0, size * 2);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task NulledAfterReturnAndGuardedInFinally() => Check("""
            public void Send(Socket socket, int size)
            {
                byte[]? buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    socket.Send(buffer, 0, size, SocketFlags.None);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                    Log("sent");
                }
                finally
                {
                    if (buffer != null)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
        """);

    [Fact]
    public Task FlagGuardedReturnInFinally() => Check("""
            public void Send(Socket socket, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                var returned = false;
                try
                {
                    socket.Send(buffer, 0, size, SocketFlags.None);
                    ArrayPool<byte>.Shared.Return(buffer);
                    returned = true;
                }
                finally
                {
                    if (!returned)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
        """);

    [Fact]
    public Task ReturnedOnEitherBranchOfAnIf() => Check("""
            public int Pick(int read, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return -1;
                }
                else
                {
                    var first = buffer[0];
                    ArrayPool<byte>.Shared.Return(buffer);
                    return first;
                }
            }
        """);

    [Fact]
    public Task EarlyReturnAfterReturningTheArray() => Check("""
            public int Parse(int read, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return -1;
                }

                var first = buffer[0];
                ArrayPool<byte>.Shared.Return(buffer);
                return first;
            }
        """);

    [Fact]
    public Task ReturnedInCatchWithRethrowAndAtTheEndOfTry() => Check("""
            public void Flush(Stream stream, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    stream.Write(buffer, 0, size);
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
            }
        """);

    [Fact]
    public Task SwitchCasesEachReturnOnce() => Check("""
            public string Describe(int kind, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                switch (kind)
                {
                    case 0:
                        ArrayPool<byte>.Shared.Return(buffer);
                        return "empty";
                    default:
                        buffer[0] = (byte)kind;
                        ArrayPool<byte>.Shared.Return(buffer);
                        return "full";
                }
            }
        """);

    [Fact]
    public Task ContinueAfterReturnInsideTheLoopBody() => Check("""
            public void Handle(IEnumerable<Message> messages)
            {
                foreach (var message in messages)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(message.Body.Length);
                    if (message.Body.Length == 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        continue;
                    }

                    buffer[0] = message.Body[0];
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task NullCheckAfterReturnIsNotAUse() => Check("""
            public void Clear(int size)
            {
                byte[]? buffer = ArrayPool<byte>.Shared.Rent(size);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = null;
                if (buffer is null)
                {
                    Log("cleared");
                }
            }
        """);

    [Fact]
    public Task CapturedArrayIsNotAnalysed() => Check("""
            public void Later(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                ArrayPool<byte>.Shared.Return(buffer);
                Action touch = () => buffer[0] = 1;
                touch();
            }
        """);

    [Fact]
    public Task FieldArrayIsNotAnalysed() => Check("""
            public void Recycle()
            {
                if (_buffer != null)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                }

                _buffer = null;
            }
        """);

    [Fact]
    public Task DifferentArraysAreIndependent() => Check("""
            public void Copy(int size)
            {
                var first = ArrayPool<byte>.Shared.Rent(size);
                var second = ArrayPool<byte>.Shared.Rent(size);
                first[0] = 1;
                ArrayPool<byte>.Shared.Return(first);
                second[0] = 2;
                ArrayPool<byte>.Shared.Return(second);
            }
        """);

    [Fact]
    public Task ReturnWithClearArrayInFinally() => Check("""
            public string Secret(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    RandomNumberGenerator.Fill(buffer.AsSpan(0, size));
                    return Convert.ToHexString(buffer, 0, size);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                }
            }
        """);

    [Fact]
    public Task GotoRetryRentsAgain() => Check("""
            public void Retry(int size)
            {
                var attempts = 0;
            retry:
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                buffer[0] = 0;
                ArrayPool<byte>.Shared.Return(buffer);
                if (++attempts < 3)
                {
                    goto retry;
                }
            }
        """);

    [Fact]
    public Task UsingInsideTryFinallyThenReturnOnce() => Check("""
            public void Save(string path, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    using (var stream = File.Create(path))
                    {
                        stream.Write(buffer, 0, size);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task AwaitInsideTryFinally() => Check("""
            public async Task ForwardAsync(Stream source, Stream destination, CancellationToken cancellationToken)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(1024);
                try
                {
                    var read = await source.ReadAsync(buffer.AsMemory(0, 1024), cancellationToken);
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task ReturnedThroughAnotherMethodIsNotAnalysed() => Check("""
            public void Release(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                ReturnLater(buffer);
                buffer[0] = 1;
            }

            private static void ReturnLater(byte[] array) => ArrayPool<byte>.Shared.Return(array);
        """);

    [Fact]
    public Task BreakAfterReturnLeavesTheLoop() => Check("""
            public void Fill(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(64);
                    if (i == 3)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        break;
                    }

                    buffer[0] = (byte)i;
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);
}
