import NGCLI

NatGrad.main()
