// java.nio: ServerSocketChannel.open().bind(new InetSocketAddress(0)).
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

public class Probe {
    public static void main(String[] args) throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(0));
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
        }
        server.close();
    }
}
