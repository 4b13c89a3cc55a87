// java.net: new ServerSocket(0), new Socket(host, port), new DatagramSocket(0).
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

public class Probe {
    public static void main(String[] args) throws Exception {
        ServerSocket server = new ServerSocket(0);
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket accepted = server.accept();
        DatagramSocket udp = new DatagramSocket(0);
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
        }
        udp.close();
        accepted.close();
        client.close();
        server.close();
    }
}
