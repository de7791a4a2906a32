using System.Threading.Tasks;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Memory.BND3004Verify;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>BND3004: code that is reported.</summary>
public class BND3004ReportsTests
{
    [Fact]
    public Task HashedAfterReturn() => Check("""
            public byte[] Hash(Stream stream, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    stream.ReadExactly(buffer, 0, size);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                return SHA256.HashData({|BND3004:buffer|}.AsSpan(0, size));
            }
        """);

    [Fact]
    public Task ReturnedInTryAndInFinally() => Check("""
            public void Send(Socket socket, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    socket.Send(buffer, 0, size, SocketFlags.None);
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                finally
                {
                    ArrayPool<byte>.Shared.{|BND3004:Return|}(buffer);
                }
            }
        """);

    [Fact]
    public Task ReturnedInCatchAndAfterTheTry() => Check("""
            public void Flush(Stream stream, int size)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(size)|};
                try
                {
                    stream.Write(buffer, 0, size);
                }
                catch (IOException)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                ArrayPool<byte>.Shared.{|BND3004:Return|}(buffer);
            }
        """);

    [Fact]
    public Task ReturnedInCatchAndInFinally() => Check("""
            public void Flush(Stream stream, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    stream.Write(buffer, 0, size);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
                finally
                {
                    ArrayPool<byte>.Shared.{|BND3004:Return|}(buffer);
                }
            }
        """);

    [Fact]
    public Task RentedOnceReturnedEveryIteration() => Check("""
            public void Handle(IEnumerable<Message> messages)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(4096)|};
                foreach (var message in messages)
                {
                    message.Body.CopyTo({|BND3004:buffer|}, 0);
                    Process({|BND3004:buffer|}.AsSpan(0, message.Body.Length));
                    ArrayPool<byte>.Shared.{|BND3004:Return|}(buffer);
                }
            }
        """);

    [Fact]
    public Task WrittenAfterReturn() => Check("""
            public void Reset(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                ArrayPool<byte>.Shared.Return(buffer);
                {|BND3004:buffer|}[0] = 0;
            }
        """);

    [Fact]
    public Task SocketSendAfterReturn() => Check("""
            public async Task SendAsync(Socket socket, string text)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(text.Length * 3)|};
                var written = Encoding.UTF8.GetBytes(text, buffer);
                ArrayPool<byte>.Shared.Return(buffer);
                await socket.SendAsync({|BND3004:buffer|}.AsMemory(0, written), SocketFlags.None);
            }
        """);

    [Fact]
    public Task EarlyReturnPathReturnsThenTheCommonPathReturnsAgain() => Check("""
            public int Parse(int read, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                var first = {|BND3004:buffer|}[0];
                ArrayPool<byte>.Shared.{|BND3004:Return|}(buffer);
                return first;
            }
        """);

    [Fact]
    public Task LengthReadAfterReturn() => Check("""
            public int Capacity(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                ArrayPool<byte>.Shared.Return(buffer);
                return {|BND3004:buffer|}.Length;
            }
        """);

    [Fact]
    public Task SwitchCaseReturnsThenCommonReturn() => Check("""
            public void Handle(int kind, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                switch (kind)
                {
                    case 1:
                        ArrayPool<byte>.Shared.Return(buffer);
                        break;
                    default:
                        buffer[0] = 1;
                        break;
                }

                ArrayPool<byte>.Shared.{|BND3004:Return|}(buffer);
            }
        """);

    [Fact]
    public Task GotoRetryReusesAReturnedArray() => Check("""
            public void Retry(Stream stream, int size)
            {
                var attempts = 0;
                var buffer = ArrayPool<byte>.Shared.Rent(size);
            retry:
                {|BND3004:buffer|}[0] = 0;
                ArrayPool<byte>.Shared.{|BND3004:Return|}(buffer);
                if (++attempts < 3)
                {
                    goto retry;
                }
            }
        """);

    [Fact]
    public Task UsedAfterTheFinallyReturnedIt() => Check("""
            public string Decode(Stream stream, int size)
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

                return Encoding.UTF8.GetString({|BND3004:buffer|}, 0, read);
            }
        """);

    [Fact]
    public Task ReturnedTwiceInARow() => Check("""
            public void Twice(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                buffer[0] = 1;
                ArrayPool<byte>.Shared.Return(buffer);
                ArrayPool<byte>.Shared.{|BND3004:Return|}(buffer);
            }
        """);

    [Fact]
    public Task CharsUsedForAStringAfterReturn() => Check("""
            public string Upper(string text)
            {
                var chars = ArrayPool<char>.Shared.Rent(text.Length);
                try
                {
                    for (var i = 0; i < text.Length; i++)
                    {
                        chars[i] = char.ToUpperInvariant(text[i]);
                    }
                }
                finally
                {
                    ArrayPool<char>.Shared.Return(chars);
                }

                return new string({|BND3004:chars|}, 0, text.Length);
            }
        """);

    [Fact]
    public Task LocalPoolReturnedTwice() => Check("""
            public void Pack(Stream output, int size)
            {
                var pool = ArrayPool<byte>.Create();
                var buffer = pool.Rent(size);
                try
                {
                    output.Write(buffer, 0, size);
                    pool.Return(buffer);
                }
                finally
                {
                    pool.{|BND3004:Return|}(buffer);
                }
            }
        """);

    [Fact]
    public Task UsingBlockUsesTheArrayAfterReturn() => Check("""
            public void Save(string path, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                ArrayPool<byte>.Shared.Return(buffer);
                using (var stream = File.Create(path))
                {
                    stream.Write({|BND3004:buffer|}, 0, size);
                }
            }
        """);

    [Fact]
    public Task AwaitAfterReturnStillWritesTheArray() => Check("""
            public async Task ForwardAsync(Stream source, Stream destination, CancellationToken cancellationToken)
            {
                var buffer = {|BND3003:ArrayPool<byte>.Shared.Rent(1024)|};
                var read = await source.ReadAsync(buffer.AsMemory(0, 1024), cancellationToken);
                ArrayPool<byte>.Shared.Return(buffer);
                await destination.WriteAsync({|BND3004:buffer|}.AsMemory(0, read), cancellationToken);
            }
        """);

    [Fact]
    public Task ContinuePathReturnsThenAConditionalReturnRunsAgain() => Check("""
            public void Drain(IEnumerable<Message> messages)
            {
                foreach (var message in messages)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(4096);
                    if (message.Body.Length == 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        continue;
                    }

                    buffer[0] = message.Body[0];
                    ArrayPool<byte>.Shared.Return(buffer);
                    if (message.Id == "last")
                    {
                        ArrayPool<byte>.Shared.{|BND3004:Return|}(buffer);
                    }
                }
            }
        """);

    [Fact]
    public Task ConvertedAfterReturnInALambdaBody() => Check("""
            public Task<string> EncodeAsync(int size) => Task.Run(() =>
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                ArrayPool<byte>.Shared.Return(buffer);
                return Convert.ToBase64String({|BND3004:buffer|}, 0, size);
            });
        """);

    [Fact]
    public Task ReturnInLoopThenAfterLoop() => Check("""
            public void Fill(int count)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(64);
                for (var i = 0; i < count; i++)
                {
                    if (i == 3)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        break;
                    }

                    buffer[i] = (byte)i;
                }

                ArrayPool<byte>.Shared.{|BND3004:Return|}(buffer);
            }
        """);
}
