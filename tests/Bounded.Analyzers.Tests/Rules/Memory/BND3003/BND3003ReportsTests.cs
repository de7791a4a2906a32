using System.Threading.Tasks;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Memory.BND3003Verify;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>BND3003: code that is reported.</summary>
public class BND3003ReportsTests
{
    [Fact]
    public Task HashingARentedBufferThatIsNeverReturned() => Check("""
            public string Hash(Stream stream, int size)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(size)|};
                var read = stream.Read(buffer, 0, size);
                return Convert.ToHexString(SHA256.HashData(buffer.AsSpan(0, read)));
            }
        """);

    [Fact]
    public Task SocketSendBeforeAReturnOutsideFinally() => Check("""
            public void Send(Socket socket, string text)
            {
                var length = Encoding.UTF8.GetByteCount(text);
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(length)|};
                var written = Encoding.UTF8.GetBytes(text, buffer);
                socket.Send(buffer, 0, written, SocketFlags.None);
                ArrayPool<byte>.Shared.Return(buffer);
            }
        """);

    [Fact]
    public Task EarlyReturnInsideTheRentedRegion() => Check("""
            public int FirstByte(Stream stream)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(16)|};
                var read = stream.Read(buffer, 0, 16);
                if (read == 0)
                {
                    return -1;
                }

                var value = buffer[0];
                ArrayPool<byte>.Shared.Return(buffer);
                return value;
            }
        """);

    [Fact]
    public Task AwaitBetweenRentAndReturn() => Check("""
            public async Task CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(81920)|};
                int read;
                while ((read = await source.ReadAsync(buffer.AsMemory(0, 81920), cancellationToken)) > 0)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                ArrayPool<byte>.Shared.Return(buffer);
            }
        """);

    [Fact]
    public Task ContinueSkipsTheReturn() => Check("""
            public void Handle(IEnumerable<Message> messages)
            {
                foreach (var message in messages)
                {
                    var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(message.Body.Length)|};
                    if (message.Body.Length == 0)
                    {
                        continue;
                    }

                    buffer[0] = message.Body[0];
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task GotoJumpsOverTheReturn() => Check("""
            public int Checksum(byte[] data)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(data.Length)|};
                var sum = 0;
                for (var i = 0; i < data.Length; i++)
                {
                    if (data[i] == 0)
                    {
                        goto done;
                    }

                    buffer[i] = data[i];
                    sum += data[i];
                }

                ArrayPool<byte>.Shared.Return(buffer);
            done:
                return sum;
            }
        """);

    [Fact]
    public Task SwitchCaseReturnsEarly() => Check("""
            public string Describe(int kind, Stream stream)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(64)|};
                switch (kind)
                {
                    case 0:
                        return "empty";
                    default:
                        buffer[0] = (byte)kind;
                        break;
                }

                ArrayPool<byte>.Shared.Return(buffer);
                return "read";
            }
        """);

    [Fact]
    public Task UsingBlockBetweenRentAndReturn() => Check("""
            public void WriteText(string path, string text)
            {
                var buffer = {|BND3003:ArrayPool<char>.Shared.Rent(text.Length)|};
                text.CopyTo(0, buffer, 0, text.Length);
                using (var writer = new StreamWriter(path))
                {
                    writer.Write(buffer, 0, text.Length);
                }

                ArrayPool<char>.Shared.Return(buffer);
            }
        """);

    [Fact]
    public Task ThrowInsideTheRentedRegion() => Check("""
            public void Validate(int size)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(size)|};
                if (size > 1024)
                {
                    throw new ArgumentOutOfRangeException(nameof(size));
                }

                buffer[0] = 1;
                ArrayPool<byte>.Shared.Return(buffer);
            }
        """);

    [Fact]
    public Task ReturnedOnlyInTheCatch() => Check("""
            public byte[] Load(Stream stream, int size)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(size)|};
                try
                {
                    stream.ReadExactly(buffer, 0, size);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                return buffer.AsSpan(0, size).ToArray();
            }
        """);

    [Fact]
    public Task LocalPoolFromCreate() => Check("""
            public void Pack(Stream output, int size)
            {
                var pool = ArrayPool<byte>.Create();
                var buffer = {|BND3003:pool.Rent(size)|};
                output.Write(buffer, 0, size);
                pool.Return(buffer);
            }
        """);

    [Fact]
    public Task AssignedAfterDeclarationAndNeverReturned() => Check("""
            public int Count(Stream stream, int size)
            {
                byte[] buffer;
                buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(size)|};
                return stream.Read(buffer, 0, size);
            }
        """);

    [Fact]
    public Task MessageHandlerAwaitsASaveBeforeReturning() => Check("""
            public async Task HandleAsync(Message message, CancellationToken cancellationToken)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(message.Body.Length)|};
                message.Body.CopyTo(buffer, 0);
                await SaveAsync(message.Id, cancellationToken);
                ArrayPool<byte>.Shared.Return(buffer);
            }
        """);

    [Fact]
    public Task CatchOfOneExceptionTypeFallsThroughWithoutReturn() => Check("""
            public void Flush(Stream stream, int size)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(size)|};
                try
                {
                    stream.Write(buffer, 0, size);
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                catch (IOException exception)
                {
                    Log(exception.Message);
                }
            }
        """);

    [Fact]
    public Task CharBufferForAStringNeverReturned() => Check("""
            public string Reverse(string text)
            {
                var chars = {|BND3003:ArrayPool<char>.Shared.Rent(text.Length)|};
                for (var i = 0; i < text.Length; i++)
                {
                    chars[i] = text[text.Length - 1 - i];
                }

                return new string(chars, 0, text.Length);
            }
        """);

    [Fact]
    public Task HttpContentReadBeforeReturn() => Check("""
            public async Task<int> PeekAsync(string url, CancellationToken cancellationToken)
            {
                using var stream = await _http.GetStreamAsync(url, cancellationToken);
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(4096)|};
                var read = await stream.ReadAsync(buffer, 0, 4096, cancellationToken);
                ArrayPool<byte>.Shared.Return(buffer);
                return read;
            }
        """);

    [Fact]
    public Task BreakLeavesTheLoopWithoutReturn() => Check("""
            public void Drain(Stream stream)
            {
                while (true)
                {
                    var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(1024)|};
                    if (_count > 10)
                    {
                        break;
                    }

                    buffer[0] = 0;
                    _count++;
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task ReturnInsideAUsingBlockSkipsTheReturn() => Check("""
            public int ReadHeader(string path, int size)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(size)|};
                using (var stream = File.OpenRead(path))
                {
                    if (stream.Length == 0)
                    {
                        return 0;
                    }

                    stream.ReadExactly(buffer, 0, size);
                }

                ArrayPool<byte>.Shared.Return(buffer);
                return size;
            }
        """);

    [Fact]
    public Task FinallyThatDoesNotReturnTheArray() => Check("""
            public void Emit(Stream stream, int size)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(size)|};
                try
                {
                    stream.Write(buffer, 0, size);
                }
                finally
                {
                    Log("written");
                }

                ArrayPool<byte>.Shared.Return(buffer);
            }
        """);

    [Fact]
    public Task RentInsideALambdaNeverReturned() => Check("""
            public void Fill(int count)
            {
                Parallel.For(0, count, i =>
                {
                    var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(16)|};
                    Random.Shared.NextBytes(buffer.AsSpan(0, 16));
                });
            }
        """);

    [Fact]
    public Task RentInsideALocalFunctionReturnedOutsideFinally() => Check("""
            public void Run(Stream stream)
            {
                Write(32);

                void Write(int size)
                {
                    var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(size)|};
                    stream.Write(buffer, 0, size);
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task LockBodyCallsBeforeReturn() => Check("""
            public void Record(int size)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(size)|};
                lock (_pending)
                {
                    Log("recorded");
                }

                ArrayPool<byte>.Shared.Return(buffer);
            }
        """);

    // The catch around the lambda does not run while the lambda runs: an exception still leaves the lambda with the array.
    [Fact]
    public Task ReturnNotInFinallyInsideALambdaWithinAnOuterCatch() => Check("""
            public List<string> HashAll(IEnumerable<string> paths)
            {
                try
                {
                    return paths.Select(path =>
                    {
                        var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(4096)|};
                        using var file = File.OpenRead(path);
                        var read = file.Read(buffer, 0, 4096);
                        var hash = Convert.ToHexString(SHA256.HashData(buffer.AsSpan(0, read)));
                        ArrayPool<byte>.Shared.Return(buffer);
                        return hash;
                    }).ToList();
                }
                catch (Exception exception)
                {
                    Log(exception.Message);
                    return new List<string>();
                }
            }
        """);

    [Fact]
    public Task ReturnNotInFinallyInsideALocalFunctionWithinAnOuterCatch() => Check("""
            public void SendAll(Socket socket, IEnumerable<string> lines)
            {
                try
                {
                    foreach (var line in lines)
                    {
                        Send(line);
                    }

                    void Send(string line)
                    {
                        var length = Encoding.UTF8.GetByteCount(line);
                        var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(length)|};
                        var written = Encoding.UTF8.GetBytes(line, buffer);
                        socket.Send(buffer, 0, written, SocketFlags.None);
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
                catch (SocketException exception)
                {
                    Log(exception.Message);
                }
            }
        """);

    [Fact]
    public Task RentInsideAFieldInitializerLambda() => Check("""
            private readonly Func<Stream, int> _first = stream =>
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(1)|};
                return stream.Read(buffer, 0, 1);
            };
        """);

    // Evidence by default: a path that never returns the array. A return skipped only when a call throws is reported
    // with bounded.report_exception_paths = true (the tests above turn it on).
    [Fact]
    public Task ByDefaultOnlyNormalPathsAreReported() => Verify.AnalyzerAsync<ArrayPoolMisuseAnalyzer>(MemorySources.Wrap("""
            public void Send(Socket socket, string text)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(text.Length * 3);
                var written = Encoding.UTF8.GetBytes(text, buffer);
                socket.Send(buffer, 0, written, SocketFlags.None);
                ArrayPool<byte>.Shared.Return(buffer);
            }

            public int Peek(Stream stream)
            {
                var buffer = {|#0:ArrayPool<byte>.Shared.Rent(16)|};
                var read = stream.Read(buffer, 0, 16);
                if (read == 0)
                {
                    return -1;
                }

                var first = buffer[0];
                {|#1:ArrayPool<byte>.Shared.Return(buffer)|};
                return first;
            }
        """), new DiagnosticResult(RuleIds.RentedArrayNotReturned, DiagnosticSeverity.Warning).WithLocation(0).WithLocation(1).WithArguments("buffer", "is not returned to the pool on every path; return it in a finally block"));
}
