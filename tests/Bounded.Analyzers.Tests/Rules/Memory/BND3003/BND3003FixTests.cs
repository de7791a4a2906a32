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
        Verify.FixAsync<ArrayPoolMisuseAnalyzer, ArrayPoolReturnCodeFixProvider>(MemorySources.Wrap(source), MemorySources.Wrap(fixedSource), Key);

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
        """));

    [Fact]
    public Task NoFixWhenALocalDeclaredInsideIsUsedAfterTheReturn() => Verify.NoFixAsync<ArrayPoolMisuseAnalyzer, ArrayPoolReturnCodeFixProvider>(MemorySources.Wrap("""
            public int Count(Stream stream, int size)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(size)|};
                var read = stream.Read(buffer, 0, size);
                ArrayPool<byte>.Shared.Return(buffer);
                return read;
            }
        """));
}
