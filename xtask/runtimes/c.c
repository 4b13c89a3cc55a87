/* C with BSD sockets: socket(), bind(), listen(); socket(), connect();
 * socket(SOCK_DGRAM), bind(). No setsockopt: what the kernel gives. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 8) ||
        getsockname(l, (struct sockaddr *)&a, &len)) {
        perror("listener");
        return 1;
    }
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a)) {
        perror("client");
        return 1;
    }
    int acc = accept(l, NULL, NULL);
    struct sockaddr_in u;
    memset(&u, 0, sizeof u);
    u.sin_family = AF_INET;
    u.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int d = socket(AF_INET, SOCK_DGRAM, 0);
    if (acc < 0 || d < 0 || bind(d, (struct sockaddr *)&u, sizeof u)) {
        perror("udp");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    char buf[64];
    while (read(0, buf, sizeof buf) > 0) {
    }
    return 0;
}
