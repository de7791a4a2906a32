using System.Threading.Tasks;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Bounded.CodeFixes.Concurrency;
using Bounded.CodeFixes.Memory;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Memory;

public class BND3003FixTests
{
    private const string Key = ArrayPoolReturnCodeFixProvider.TryFinallyKey;

    private static Task Fix(string source, string fixedSource) =>
        Verify.FixAsync<ArrayPoolMisuseAnalyzer, ArrayPoolReturnCodeFixProvider>(MemorySources.Wrap(source), MemorySources.Wrap(fixedSource), Key, MemorySources.ExceptionPaths);

    [Fact]
    public Task MovesTheReturnIntoFinally() => Fix("""
            public void Send(Socket socket, string text)
            {
                var length = Encoding.UTF8.GetByteCount(text);
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(length)|};
                var written = Encoding.UTF8.GetBytes(text, buffer);
                socket.Send(buffer, 0, written, SocketFlags.None);
                ArrayPool<byte>.Shared.Return(buffer);
            }
        """, """
            public void Send(Socket socket, string text)
            {
                var length = Encoding.UTF8.GetByteCount(text);
                var buffer = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    var written = Encoding.UTF8.GetBytes(text, buffer);
                    socket.Send(buffer, 0, written, SocketFlags.None);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task EarlyReturnNowReturnsTheArrayToo() => Fix("""
            public void Forward(Stream stream)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(16)|};
                var read = stream.Read(buffer, 0, 16);
                if (read == 0)
                {
                    return;
                }

                Process(buffer.AsSpan(0, read));
                ArrayPool<byte>.Shared.Return(buffer);
                Log("forwarded");
            }
        """, """
            public void Forward(Stream stream)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(16);
                try
                {
                    var read = stream.Read(buffer, 0, 16);
                    if (read == 0)
                    {
                        return;
                    }

                    Process(buffer.AsSpan(0, read));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                Log("forwarded");
            }
        """);

    [Fact]
    public Task AddsTheMissingReturn() => Fix("""
            public string Hash(Stream stream, int size)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(size)|};
                var read = stream.Read(buffer, 0, size);
                return Convert.ToHexString(SHA256.HashData(buffer.AsSpan(0, read)));
            }
        """, """
            public string Hash(Stream stream, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    var read = stream.Read(buffer, 0, size);
                    return Convert.ToHexString(SHA256.HashData(buffer.AsSpan(0, read)));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task AwaitAndLoopInsideTheWrappedRegion() => Fix("""
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
        """, """
            public async Task CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(81920);
                try
                {
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
        """);

    [Fact]
    public Task FixAllInOneDocument() => Fix("""
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

            public void Pack(Stream output, int size)
            {
                var pool = ArrayPool<byte>.Create();
                var buffer = {|BND3003:pool.Rent(size)|};
                output.Write(buffer, 0, size);
                pool.Return(buffer);
            }
        """, """
            public void Handle(IEnumerable<Message> messages)
            {
                foreach (var message in messages)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(message.Body.Length);
                    try
                    {
                        if (message.Body.Length == 0)
                        {
                            continue;
                        }

                        buffer[0] = message.Body[0];
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }

            public void Pack(Stream output, int size)
            {
                var pool = ArrayPool<byte>.Create();
                var buffer = pool.Rent(size);
                try
                {
                    output.Write(buffer, 0, size);
                }
                finally
                {
                    pool.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task NoFixWhenTheReturnIsInACatch() => Verify.NoFixAsync<ArrayPoolMisuseAnalyzer, ArrayPoolReturnCodeFixProvider>(MemorySources.Wrap("""
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
        """), editorConfig: MemorySources.ExceptionPaths);

    /// <summary>A local declared between rent and return and read after it is declared before the try and assigned inside.</summary>
    [Fact]
    public Task LocalReadAfterTheReturnStaysInScope() => Fix("""
            public int Count(Stream stream, int size)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(size)|};
                var read = stream.Read(buffer, 0, size);
                ArrayPool<byte>.Shared.Return(buffer);
                return read;
            }
        """, """
            public int Count(Stream stream, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                int read;
                try
                {
                    read = stream.Read(buffer, 0, size);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                return read;
            }
        """);

    /// <summary>
    /// The early-return shape: rent, read, return early on no data (skipping the Return), compute, Return, return the
    /// result. Every path now returns the array, and the result stays in scope.
    /// </summary>
    [Fact]
    public Task EarlyReturnShapeKeepsTheResultInScope() => Fix("""
            public string? ReadHeader(Stream stream)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(256)|};
                var n = stream.Read(buffer, 0, 256);
                if (n == 0)
                {
                    return null;
                }

                string header = Encoding.ASCII.GetString(buffer, 0, n);
                ArrayPool<byte>.Shared.Return(buffer);
                return header;
            }
        """, """
            public string? ReadHeader(Stream stream)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(256);
                string header;
                try
                {
                    var n = stream.Read(buffer, 0, 256);
                    if (n == 0)
                    {
                        return null;
                    }

                    header = Encoding.ASCII.GetString(buffer, 0, n);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                return header;
            }
        """);

    /// <summary>A using declaration between rent and return is disposed before the return now; nothing after the return can see it.</summary>
    [Fact]
    public Task UsingDeclarationInsideIsDisposedBeforeTheReturn() => Fix("""
            public int Head(string path)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(64)|};
                using var input = File.OpenRead(path);
                var read = input.Read(buffer, 0, 64);
                ArrayPool<byte>.Shared.Return(buffer);
                return read;
            }
        """, """
            public int Head(string path)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(64);
                int read;
                try
                {
                    using var input = File.OpenRead(path);
                    read = input.Read(buffer, 0, 64);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                return read;
            }
        """);

    /// <summary>No fix when a using declaration sits in between and something after the return reads an outer local: it might see the earlier disposal.</summary>
    [Fact]
    public Task NoFixWhenADisposalWouldMoveBeforeCodeThatReadsOtherState() => Verify.NoFixAsync<ArrayPoolMisuseAnalyzer, ArrayPoolReturnCodeFixProvider>(MemorySources.Wrap("""
            public long Head(Stream outer)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(64)|};
                using var reader = new BinaryReader(outer);
                reader.Read(buffer, 0, 64);
                ArrayPool<byte>.Shared.Return(buffer);
                return outer.Position;
            }
        """), editorConfig: MemorySources.ExceptionPaths);

    /// <summary>No fix when the local read after the return is declared inside a nested statement (an out variable): it cannot be hoisted.</summary>
    [Fact]
    public Task NoFixWhenTheLocalIsDeclaredInANestedExpression() => Verify.NoFixAsync<ArrayPoolMisuseAnalyzer, ArrayPoolReturnCodeFixProvider>(MemorySources.Wrap("""
            public int Parse(Stream stream)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(16)|};
                stream.Read(buffer, 0, 16);
                var ok = int.TryParse(Encoding.ASCII.GetString(buffer, 0, 16), out var value);
                ArrayPool<byte>.Shared.Return(buffer);
                return ok ? value : -1;
            }
        """), editorConfig: MemorySources.ExceptionPaths);
}
